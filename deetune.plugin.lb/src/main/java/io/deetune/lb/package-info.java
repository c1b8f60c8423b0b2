/**
 * The load balancer's service API: manage virtual services (VIP + port + protocol) and their backends, read the
 * connection table and the counters, parse and check services and backends from the text of configuration files
 * and commands, and save a service to its configuration. The {@link io.deetune.lb.LoadBalancer} and
 * {@link io.deetune.lb.LoadBalancerConfigurations} OSGi services are what Karaf commands, configuration files and
 * other bundles (e.g. a REST layer) use.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package io.deetune.lb;

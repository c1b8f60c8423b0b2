/**
 * The load balancer's service API: manage virtual services (VIP + port + protocol) and their backends, read the
 * connection table and the counters. The {@link io.deetune.lb.LoadBalancer} OSGi service is what Karaf commands,
 * configuration files and other bundles (e.g. a REST layer) use.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.deetune.lb;

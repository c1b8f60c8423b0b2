package io.deetune.lb;

/**
 * The durable side of the services, as an OSGi service: a service changed through the {@link LoadBalancer} is
 * written back to its {@code io.deetune.lb.service} factory configuration (in Karaf, the file
 * {@code etc/io.deetune.lb.service-<name>.cfg}), so that it survives a restart like one written by hand. Save a
 * service after the load balancer accepted the change: a rejected change then never reaches the configuration, and
 * the configuration applied again changes nothing.
 *
 * @since 1.2
 */
public interface LoadBalancerConfigurations {

    /**
     * Writes the service as it now is into its configuration; a service without one gets one, named after it.
     * Properties of an existing configuration that are not the service's (set by hand) are kept.
     */
    void save(VirtualService service);

    /** Deletes the configuration of the service of that name; false if there was none. */
    boolean delete(String name);
}

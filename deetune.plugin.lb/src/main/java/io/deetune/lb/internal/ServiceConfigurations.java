package io.deetune.lb.internal;

import io.deetune.lb.Backend;
import io.deetune.lb.LoadBalancerConfigurations;
import io.deetune.lb.VirtualService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.karaf.config.core.ConfigRepository;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@link LoadBalancerConfigurations} of Karaf, the durable side of the {@code lb:} commands and the REST API: a
 * service changed there is written back to its {@code io.deetune.lb.service} factory configuration, so that it
 * survives a restart like one written by hand. In Karaf that configuration is the file
 * {@code etc/io.deetune.lb.service-<name>.cfg}; a service without one gets one, named after it.
 * <p>
 * A change to an existing service is written to Config Admin only, and File Install writes it to the file (keeping
 * the escaping, comments and layout of a hand-written file): one writer per file. Writing the file here as well (as
 * Karaf's {@link ConfigRepository#update} does) raced File Install's poll of etc/: a poll that read the file of one
 * change after Config Admin held the next one put the older one back into Config Admin, and so into the kernel
 * (about 2 of 75 backend removals made 50 ms apart came back). Only a new service's first file is written here,
 * through {@link ConfigRepository#createFactoryConfiguration}, since File Install writes only files that exist.
 * The configuration is written after the load balancer accepted (and validated) the change, so a rejected change
 * never reaches it; applying it again is a no-op for the load balancer.
 */
@Component(service = LoadBalancerConfigurations.class)
public final class ServiceConfigurations implements LoadBalancerConfigurations {

    static final String FACTORY_PID = "io.deetune.lb.service";
    /** File Install's property: the file a configuration came from (File Install writes changes back to it). */
    static final String FILE_NAME = "felix.fileinstall.filename";
    /** Properties that Config Admin keeps itself; File Install's {@link #FILE_NAME} stays, it names the file. */
    private static final Set<String> MANAGED = Set.of("service.pid", "service.factoryPid", "service.bundleLocation");

    private final ConfigRepository repository;

    @Activate
    public ServiceConfigurations(@Reference ConfigRepository repository) {
        this.repository = repository;
    }

    /**
     * Writes the service as it now is into its configuration and file. A service without one gets one: the file
     * {@code etc/io.deetune.lb.service-<name>.cfg} and its configuration. Properties of the file that are not the
     * service's (set by hand) are kept.
     */
    @Override
    public void save(VirtualService service) {
        try {
            Optional<Configuration> existing = find(service.name());
            if (existing.isPresent()) {
                Map<String, Object> properties = asMap(existing.get().getProperties());
                properties.keySet().removeAll(MANAGED);
                properties.putAll(properties(service));
                if (service.snat() == null) {
                    properties.remove("snat");
                }
                if (!service.feedback().agent()) {
                    properties.keySet().removeAll(Set.of("agentPort", "agentIntervalMillis"));
                }
                if (!service.feedback().slowStart()) {
                    properties.remove("slowStartMillis");
                }
                existing.get().updateIfDifferent(new Hashtable<>(properties));
            } else {
                repository.createFactoryConfiguration(FACTORY_PID, service.name(), new LinkedHashMap<>(properties(service)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("service '" + service.name() + "' changed, but saving its configuration failed", e);
        }
    }

    /** Karaf's file of a service: {@code etc/io.deetune.lb.service-<name>.cfg}. */
    private static Path file(String etc, String name) {
        return Path.of(etc, FACTORY_PID + "-" + name + ".cfg");
    }

    /**
     * Deletes the service's configuration (in Karaf, File Install deletes its file) and, in Karaf, the file named
     * after the service: File Install may not have made a configuration of a file {@link #save} just wrote. False if
     * there was neither.
     */
    @Override
    public boolean delete(String name) {
        try {
            Optional<Configuration> configuration = find(name);
            // File Install deletes the file of a configuration it made; one just created may not be its yet.
            if (configuration.isPresent()) {
                configuration.get().delete();
            }
            String etc = System.getProperty("karaf.etc");
            boolean file = etc != null && Files.deleteIfExists(file(etc, name));
            return configuration.isPresent() || file;
        } catch (IOException e) {
            throw new UncheckedIOException("service '" + name + "' removed, but deleting its configuration failed", e);
        }
    }

    private Optional<Configuration> find(String name) throws IOException {
        Configuration[] all;
        try {
            all = repository.getConfigAdmin().listConfigurations("(service.factoryPid=" + FACTORY_PID + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (all == null) {
            return Optional.empty();
        }
        for (Configuration configuration : all) {
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties != null && name.equals(LbServiceConfiguration.name(asMap(properties)))) {
                return Optional.of(configuration);
            }
        }
        return Optional.empty();
    }

    private static Map<String, Object> asMap(Dictionary<String, Object> properties) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String key : Collections.list(properties.keys())) {
            map.put(key, properties.get(key));
        }
        return map;
    }

    /**
     * The configuration properties of a service ({@link ServiceConfig}), written as a {@code .cfg} file would have
     * them: plain strings, the backends on one comma-separated line with their weights.
     */
    static Map<String, String> properties(VirtualService service) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("name", service.name());
        properties.put("vip", service.vip().getHostAddress());
        properties.put("port", Integer.toString(service.port()));
        properties.put("protocol", service.protocol().name().toLowerCase());
        properties.put("algorithm", service.algorithm().id());
        properties.put("backends", service.backends().stream()
                .map(ServiceConfigurations::backend).collect(Collectors.joining(", ")));
        if (service.snat() != null) {
            properties.put("snat", service.snat().getHostAddress());
        }
        properties.put("healthCheck", service.healthCheck().type());
        properties.put("healthPath", service.healthCheck().path());
        properties.put("healthIntervalMillis", Long.toString(service.healthCheck().intervalMillis()));
        properties.put("healthTimeoutMillis", Long.toString(service.healthCheck().timeoutMillis()));
        properties.put("healthFall", Integer.toString(service.healthCheck().fall()));
        properties.put("healthRise", Integer.toString(service.healthCheck().rise()));
        // Without them a file reads as it did before load feedback existed.
        if (service.feedback().agent()) {
            properties.put("agentPort", Integer.toString(service.feedback().agentPort()));
            properties.put("agentIntervalMillis", Long.toString(service.feedback().agentIntervalMillis()));
        }
        if (service.feedback().slowStart()) {
            properties.put("slowStartMillis", Long.toString(service.feedback().slowStartMillis()));
        }
        return properties;
    }

    private static String backend(Backend backend) {
        return backend.endpoint() + " weight=" + backend.weight();
    }
}

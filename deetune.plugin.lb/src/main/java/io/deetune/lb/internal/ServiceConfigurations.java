package io.deetune.lb.internal;

import io.deetune.lb.Backend;
import io.deetune.lb.VirtualService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The durable side of the {@code lb:} commands: a service changed from the shell is written back to its
 * {@code io.deetune.lb.service} factory configuration, so that it survives a restart like one written by hand. In
 * Karaf that configuration is the file {@code etc/io.deetune.lb.service-<name>.cfg} (File Install writes it back);
 * a service without one gets one, named after it. The configuration is written after the load balancer accepted
 * the change, so a rejected change never reaches it; applying it again is a no-op for the load balancer.
 */
@Component(service = ServiceConfigurations.class)
public final class ServiceConfigurations {

    static final String FACTORY_PID = "io.deetune.lb.service";
    /** File Install's property: the file a configuration came from (File Install writes changes back to it). */
    static final String FILE_NAME = "felix.fileinstall.filename";

    private final ConfigurationAdmin configurationAdmin;

    @Activate
    public ServiceConfigurations(@Reference ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
    }

    /**
     * Writes the service as it now is into its configuration. A service without one gets one: in Karaf the file
     * {@code etc/io.deetune.lb.service-<name>.cfg}, from which File Install makes the configuration (it writes back
     * only to files that exist), elsewhere a configuration straight in Config Admin.
     */
    public void save(VirtualService service) {
        try {
            Optional<Configuration> existing = find(service.name());
            String etc = System.getProperty("karaf.etc");
            if (existing.isPresent()) {
                Dictionary<String, Object> properties = existing.get().getProperties();
                properties(service).forEach(properties::put);
                if (service.snat() == null) {
                    properties.remove("snat");
                }
                existing.get().update(properties);
            } else if (etc != null) {
                writeFile(file(etc, service.name()), service);
            } else {
                Configuration created = configurationAdmin.getFactoryConfiguration(FACTORY_PID, service.name(), "?");
                created.update(new Hashtable<>(properties(service)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("service '" + service.name() + "' changed, but saving its configuration failed", e);
        }
    }

    /** Karaf's file of a service: {@code etc/io.deetune.lb.service-<name>.cfg}. */
    private static Path file(String etc, String name) {
        return Path.of(etc, FACTORY_PID + "-" + name + ".cfg");
    }

    /** Writes a new .cfg file whole, then renames it into place, so File Install never reads half of it. */
    private static void writeFile(Path file, VirtualService service) throws IOException {
        StringBuilder text = new StringBuilder("# Load balancer service '" + service.name() + "', saved by the lb: commands.\n");
        properties(service).forEach((key, value) -> text.append(key).append(" = ").append(value.replace("\\", "\\\\")).append('\n'));
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, text);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Deletes the service's configuration (in Karaf, File Install deletes its file) and, in Karaf, the file named
     * after the service: File Install may not have made a configuration of a file {@link #save} just wrote. False if
     * there was neither.
     */
    public boolean delete(String name) {
        try {
            Optional<Configuration> configuration = find(name);
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
            all = configurationAdmin.listConfigurations("(service.factoryPid=" + FACTORY_PID + ")");
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
        return properties;
    }

    private static String backend(Backend backend) {
        return backend.endpoint() + " weight=" + backend.weight();
    }
}

package io.deetune.core.internal;

import io.deetune.bpf.XdpMode;
import io.deetune.core.api.Hook;
import io.deetune.core.api.InvalidInputException;
import io.deetune.core.api.PipelineDefinition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The pipelines' desired state: their {@code io.deetune.pipeline} factory configurations (in Karaf
 * {@code etc/io.deetune.pipeline-<name>.cfg}). Every surface (commands, REST, the page) changes a pipeline by
 * writing here; {@link PipelineConfiguration} components then reconcile the kernel. A change is checked in full
 * before anything is written, so a refused one leaves the configuration as it was.
 */
final class PipelineConfigurations {

    private final ConfigurationAdmin configurationAdmin;

    PipelineConfigurations(ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
    }

    /** Adds {@code iface} to the pipeline, creating an XDP pipeline of that name if there is none. */
    void attach(String pipeline, String iface) {
        InterfaceRef ref = InterfaceRef.parse(iface);
        ref.ifindex(); // fails clearly for a missing namespace or interface, before anything is written
        try {
            Configuration configuration = configuration(pipeline, true);
            Dictionary<String, Object> properties = properties(configuration, pipeline);
            List<String> interfaces = interfaces(properties);
            if (interfaces.contains(ref.toString())) {
                throw new IllegalArgumentException("pipeline '" + pipeline + "' is already attached to " + ref);
            }
            interfaces.add(ref.toString());
            properties.put("interfaces", interfaces.toArray(String[]::new));
            configuration.update(properties);
        } catch (IOException e) {
            throw new IllegalStateException("cannot update the configuration of pipeline '" + pipeline + "'", e);
        }
    }

    /**
     * Takes {@code iface} out of the pipeline, or with {@code iface == null} deletes the pipeline's configuration.
     *
     * @return false when the pipeline has no configuration
     */
    boolean detach(String pipeline, String iface) {
        try {
            Configuration configuration = configuration(pipeline, false);
            if (configuration == null) {
                return false;
            }
            if (iface == null) {
                configuration.delete();
                return true;
            }
            InterfaceRef ref = InterfaceRef.parse(iface);
            Dictionary<String, Object> properties = properties(configuration, pipeline);
            List<String> interfaces = interfaces(properties);
            if (!interfaces.remove(ref.toString())) {
                throw new IllegalArgumentException("pipeline '" + pipeline + "' is not attached to " + ref);
            }
            properties.put("interfaces", interfaces.toArray(String[]::new));
            configuration.update(properties);
            return true;
        } catch (IOException e) {
            throw new IllegalStateException("cannot update the configuration of pipeline '" + pipeline + "'", e);
        }
    }

    Optional<PipelineDefinition> definition(String pipeline) {
        try {
            Configuration configuration = configuration(pipeline, false);
            if (configuration == null || configuration.getProperties() == null) {
                return Optional.empty();
            }
            Dictionary<String, Object> properties = configuration.getProperties();
            return Optional.of(new PipelineDefinition(pipeline, text(properties.get("hook"), "xdp"),
                    text(properties.get("xdp.mode"), "auto"), interfaces(properties)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the configuration of pipeline '" + pipeline + "'", e);
        }
    }

    /** Checks {@code definition} whole, then (unless {@code dryRun}) writes it, creating the pipeline if needed. */
    void define(PipelineDefinition definition, boolean dryRun) {
        PipelineSpec spec = check(definition);
        if (dryRun) {
            return;
        }
        try {
            Configuration configuration = configuration(spec.name(), true);
            Dictionary<String, Object> properties = properties(configuration, spec.name());
            properties.put("hook", spec.hook().id());
            properties.put("xdp.mode", spec.xdpMode().name().toLowerCase(Locale.ROOT));
            properties.put("interfaces", spec.interfaces().stream().map(InterfaceRef::toString).toArray(String[]::new));
            configuration.update(properties);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the configuration of pipeline '" + spec.name() + "'", e);
        }
    }

    /** The definition as a pipeline specification, every field checked; the interfaces must exist now. */
    private static PipelineSpec check(PipelineDefinition definition) {
        String name = definition.name();
        PipelineSpec named = field("name", () -> new PipelineSpec(name, Hook.XDP,
                XdpMode.AUTO, List.of()));
        Hook hook = field("hook", () -> Hook.parse(
                definition.hook() == null ? "xdp" : definition.hook()));
        XdpMode mode = field("xdpMode", () -> XdpMode.parse(
                definition.xdpMode() == null ? "auto" : definition.xdpMode()));
        List<InterfaceRef> refs = new ArrayList<>();
        for (int i = 0; i < definition.interfaces().size(); i++) {
            String text = definition.interfaces().get(i);
            InterfaceRef ref = field("interfaces[" + i + "]", () -> InterfaceRef.parse(text == null ? "" : text));
            if (refs.contains(ref)) {
                throw new InvalidInputException("interfaces[" + i + "]", "interface '" + ref + "' is listed twice");
            }
            field("interfaces[" + i + "]", ref::ifindex);
            refs.add(ref);
        }
        return new PipelineSpec(named.name(), hook, mode, refs);
    }

    private static <T> T field(String field, Supplier<T> check) {
        try {
            return check.get();
        } catch (InvalidInputException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field, e.getMessage());
        }
    }

    private static String text(Object value, String fallback) {
        return value == null || value.toString().isBlank() ? fallback : value.toString().trim();
    }

    private Configuration configuration(String pipeline, boolean create) throws IOException {
        for (Configuration candidate : pipelineConfigurations()) {
            if (pipeline.equals(PipelineConfiguration.pipelineName(candidate.getPid(), candidate.getProperties()))) {
                return candidate;
            }
        }
        if (!create) {
            return null;
        }
        new PipelineSpec(pipeline, Hook.XDP, XdpMode.AUTO, List.of()); // validates the name
        return configurationAdmin.getFactoryConfiguration(PipelineConfig.FACTORY_PID, pipeline, "?");
    }

    private List<Configuration> pipelineConfigurations() throws IOException {
        try {
            Configuration[] found = configurationAdmin.listConfigurations(
                    "(service.factoryPid=" + PipelineConfig.FACTORY_PID + ")");
            return found == null ? List.of() : Arrays.asList(found);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Dictionary<String, Object> properties(Configuration configuration, String pipeline) {
        Dictionary<String, Object> existing = configuration.getProperties();
        Dictionary<String, Object> properties = new Hashtable<>();
        if (existing != null) {
            for (var keys = existing.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                properties.put(key, existing.get(key));
            }
        }
        properties.put("name", pipeline);
        return properties;
    }

    private static List<String> interfaces(Dictionary<String, Object> properties) {
        List<String> interfaces = new ArrayList<>();
        Object value = properties.get("interfaces");
        if (value instanceof String[] array) {
            for (String entry : array) {
                interfaces.addAll(Arrays.stream(entry.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
            }
        } else if (value instanceof String text) {
            interfaces.addAll(Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        } else if (value instanceof java.util.Collection<?> collection) {
            collection.forEach(v -> interfaces.add(v.toString().trim()));
        }
        return interfaces;
    }
}

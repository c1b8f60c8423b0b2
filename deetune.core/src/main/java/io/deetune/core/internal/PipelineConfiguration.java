package io.deetune.core.internal;

import io.deetune.core.api.ConfigText;
import java.util.Dictionary;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One component per pipeline configuration ({@code etc/io.deetune.pipeline-<name>.cfg}): creates or adopts the
 * pipeline, applies changes live, and removes it from the kernel only when the configuration is deleted.
 */
@Component(configurationPid = PipelineConfig.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = PipelineConfig.class, factory = true)
public final class PipelineConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineConfiguration.class);

    private final CoreRuntime runtime;
    private final String pid;
    private String name;

    @Activate
    public PipelineConfiguration(@Reference CoreRuntime runtime, PipelineConfig config,
            java.util.Map<String, Object> properties) {
        this.runtime = runtime;
        this.pid = (String) properties.get("service.pid");
        apply(config, properties);
    }

    @Modified
    void modified(PipelineConfig config, java.util.Map<String, Object> properties) {
        apply(config, properties);
    }

    private void apply(PipelineConfig config, java.util.Map<String, Object> properties) {
        PipelineSpec spec;
        try {
            String wanted = config.name().isBlank() ? nameFromPid(pid) : config.name();
            spec = PipelineSpec.of(wanted, config.hook(), config.xdp_mode(), config.interfaces());
        } catch (IllegalArgumentException e) {
            LOG.error("pipeline configuration {}: {}; the pipeline keeps its previous state", pid, ConfigText.escape(e.getMessage()));
            return;
        }
        if (name != null && !name.equals(spec.name())) {
            runtime.engine().removePipeline(name, true);
        }
        name = spec.name();
        try {
            runtime.engine().configure(spec);
        } catch (RuntimeException e) {
            LOG.error("pipeline '{}' could not be set up: {}", name, e.getMessage(), e);
        }
    }

    @Deactivate
    void deactivate(int reason) {
        if (name == null) {
            return;
        }
        boolean deleted = reason == ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_DELETED;
        runtime.engine().removePipeline(name, deleted);
    }

    /** The pipeline name of a configuration: its {@code name} property, or what follows '~' or '-' in its pid. */
    static String pipelineName(String pid, Dictionary<String, Object> properties) {
        Object name = properties == null ? null : properties.get("name");
        if (name != null && !name.toString().isBlank()) {
            return name.toString();
        }
        return nameFromPid(pid);
    }

    private static String nameFromPid(String pid) {
        int tilde = pid.indexOf('~');
        if (tilde >= 0) {
            return pid.substring(tilde + 1);
        }
        throw new IllegalArgumentException("configuration " + pid + " has no 'name' property");
    }
}

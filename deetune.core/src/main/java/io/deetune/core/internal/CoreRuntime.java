package io.deetune.core.internal;

import io.deetune.bpf.BpfFs;
import io.deetune.core.api.PipelineDefinition;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Pipelines;
import io.deetune.core.api.Stage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's runtime: the stage whiteboard (every {@link Stage} service), the pipeline engine, and the
 * {@link Pipelines} service for commands and other bundles.
 *
 * <p>Stopping this bundle or the framework is not removal: the engine then lets go of its descriptors and leaves
 * every chain in the kernel as it is. Only a stage bundle that stops or is uninstalled while the framework runs
 * takes its stage out.
 */
@Component(service = {Pipelines.class, CoreRuntime.class}, immediate = true, configurationPid = CoreConfig.PID)
@Designate(ocd = CoreConfig.class)
public final class CoreRuntime implements Pipelines {

    private static final Logger LOG = LoggerFactory.getLogger(CoreRuntime.class);

    private final BundleContext context;
    private final PipelineConfigurations configurations;
    private final PipelineEngine engine;
    private final BundleListener uninstallListener = this::bundleChanged;
    private final Map<ServiceReference<Stage>, StageRegistration> registrations = new HashMap<>();
    /** Bundle id -> names of the stages it registered, to unpin their state when it is uninstalled. */
    private final Map<Long, Set<String>> stagesByBundle = new HashMap<>();
    private volatile boolean active = true;

    @Activate
    public CoreRuntime(BundleContext context, @Reference ConfigurationAdmin configurationAdmin, CoreConfig config)
            throws IOException {
        this.context = context;
        this.configurations = new PipelineConfigurations(configurationAdmin);
        Path root = config.pin_root().isBlank() ? BpfFs.root().resolve("deetune") : Path.of(config.pin_root());
        try {
            PinRoot.prepare(root);
        } catch (RuntimeException e) {
            // Stay up, so that commands work; every pipeline then fails with this problem.
            LOG.error("{}", e.getMessage());
        }
        this.engine = new PipelineEngine(root, config.stage_grace_ms());
        context.addBundleListener(uninstallListener);
        LOG.info("DeeTune core started; pins under {}", root);
    }

    @Deactivate
    void deactivate() {
        active = false;
        context.removeBundleListener(uninstallListener);
        engine.close();
        LOG.info("DeeTune core stopped; pipelines stay in the kernel for the next start to adopt");
    }

    PipelineEngine engine() {
        return engine;
    }

    // ---------------------------------------------------------------- the stage whiteboard

    @Reference(service = Stage.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindStage(Stage stage, ServiceReference<Stage> reference) {
        StageRegistration registration;
        try {
            registration = StageRegistration.of(stage, properties(reference), reference.getBundle().getBundleId());
        } catch (IllegalArgumentException e) {
            LOG.error("stage service {} of bundle {} is ignored: {}", reference.getProperty("service.id"),
                    reference.getBundle().getSymbolicName(), e.getMessage());
            return;
        }
        synchronized (registrations) {
            registrations.put(reference, registration);
            stagesByBundle.computeIfAbsent(registration.bundleId(), id -> new HashSet<>()).add(registration.name());
        }
        engine.stageAdded(registration);
    }

    void updatedStage(Stage stage, ServiceReference<Stage> reference) {
        bindStage(stage, reference);
    }

    void unbindStage(Stage stage, ServiceReference<Stage> reference) {
        StageRegistration registration;
        synchronized (registrations) {
            registration = registrations.remove(reference);
        }
        if (registration == null || !active || frameworkStopping()) {
            return; // shutdown is not removal
        }
        engine.stageRemoved(registration, false);
    }

    private void bundleChanged(BundleEvent event) {
        if (event.getType() != BundleEvent.UNINSTALLED || !active) {
            return;
        }
        Set<String> names;
        synchronized (registrations) {
            names = stagesByBundle.remove(event.getBundle().getBundleId());
        }
        if (names != null) {
            names.forEach(engine::stageUninstalled);
        }
    }

    private boolean frameworkStopping() {
        Bundle system = context.getBundle(0);
        return system == null || system.getState() == Bundle.STOPPING;
    }

    private static Map<String, Object> properties(ServiceReference<?> reference) {
        Map<String, Object> properties = new HashMap<>();
        for (String key : reference.getPropertyKeys()) {
            properties.put(key, reference.getProperty(key));
        }
        return properties;
    }

    // ---------------------------------------------------------------- Pipelines

    @Override
    public List<PipelineInfo> list() {
        return engine.list();
    }

    @Override
    public Optional<PipelineInfo> get(String name) {
        return engine.get(name);
    }

    @Override
    public void attach(String pipeline, String iface) {
        configurations.attach(pipeline, iface);
    }

    @Override
    public void detach(String pipeline, String iface) {
        if (!configurations.detach(pipeline, iface)) {
            if (iface == null && engine.removeOrphan(pipeline)) {
                return; // pinned by an earlier run, with no configuration left: nothing else to delete
            }
            throw new IllegalArgumentException("no pipeline '" + pipeline + "'");
        }
    }

    @Override
    public Optional<PipelineDefinition> definition(String name) {
        return configurations.definition(name);
    }

    @Override
    public void define(PipelineDefinition definition, boolean dryRun) {
        configurations.define(definition, dryRun);
    }
}

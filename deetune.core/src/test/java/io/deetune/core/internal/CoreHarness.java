package io.deetune.core.internal;

import io.deetune.core.api.Hook;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Stage;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The core's pipeline engine, driven the way its OSGi components drive it, for plugins' tests of their stage
 * inside a real chain (published in the core's test-jar). Pipelines are XDP; stages register as from bundle 1.
 */
public final class CoreHarness implements AutoCloseable {

    private PipelineEngine engine;
    private final Path root;
    private final long graceMillis;

    /** An engine pinning under {@code root}, with the production grace period for departed stages (2 s). */
    public CoreHarness(Path root) {
        this(root, 2000);
    }

    public CoreHarness(Path root, long graceMillis) {
        this.root = root;
        this.graceMillis = graceMillis;
        this.engine = new PipelineEngine(root, graceMillis);
    }

    /** An XDP pipeline on {@code [namespace:]ifname} interfaces (attached, or adopted if pinned). */
    public void pipeline(String name, String xdpMode, String... interfaces) {
        engine.configure(PipelineSpec.of(name, "xdp", xdpMode, interfaces));
    }

    /** A pipeline of {@code hook} ({@code xdp}, {@code tc-ingress}, {@code tc-egress}) on the interfaces. */
    public void pipeline(String name, Hook hook, String... interfaces) {
        engine.configure(PipelineSpec.of(name, hook.id(), "auto", interfaces));
    }

    public void stageAdded(String name, int priority, Stage stage) {
        stageAdded(name, priority, Hook.XDP, stage);
    }

    public void stageAdded(String name, int priority, Hook hook, Stage stage) {
        engine.stageAdded(new StageRegistration(name, priority, hook, stage, 1));
    }

    /** A stage bundle stopping: {@code uninstalled} removes it for good, else it is an update within the grace time. */
    public void stageRemoved(String name, int priority, Stage stage, boolean uninstalled) {
        stageRemoved(name, priority, Hook.XDP, stage, uninstalled);
    }

    public void stageRemoved(String name, int priority, Hook hook, Stage stage, boolean uninstalled) {
        engine.stageRemoved(new StageRegistration(name, priority, hook, stage, 1), uninstalled);
    }

    public Optional<PipelineInfo> get(String name) {
        return engine.get(name);
    }

    /** The JVM goes away (the pinned chain stays) and a new core starts on the same pins. */
    public void restart() {
        engine.close();
        engine = new PipelineEngine(root, graceMillis);
    }

    public void removePipeline(String name) {
        engine.removePipeline(name, true);
    }

    @Override
    public void close() {
        engine.close();
    }
}

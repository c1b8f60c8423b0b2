package io.deetune.core.internal;

import io.deetune.core.api.Hook;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Stage;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The core's pipeline engine, driven the way its OSGi components drive it, for the load balancer's tests of its
 * stage inside a real chain. It lives in the core's package because the engine's entry points are package-private;
 * the core may offer a public test harness later, and then this file goes.
 */
public final class CoreHarness implements AutoCloseable {

    private PipelineEngine engine;
    private final Path root;

    public CoreHarness(Path root) {
        this.root = root;
        this.engine = new PipelineEngine(root, 2000);
    }

    /** An XDP pipeline on {@code [namespace:]ifname} interfaces (attached, or adopted if pinned). */
    public void pipeline(String name, String xdpMode, String... interfaces) {
        engine.configure(PipelineSpec.of(name, "xdp", xdpMode, interfaces));
    }

    public void stageAdded(String name, int priority, Stage stage) {
        engine.stageAdded(new StageRegistration(name, priority, Hook.XDP, stage, 1));
    }

    /** A stage bundle stopping: {@code uninstalled} removes it for good, else it is an update within the grace time. */
    public void stageRemoved(String name, int priority, Stage stage, boolean uninstalled) {
        engine.stageRemoved(new StageRegistration(name, priority, Hook.XDP, stage, 1), uninstalled);
    }

    public Optional<PipelineInfo> get(String name) {
        return engine.get(name);
    }

    /** The JVM goes away (the pinned chain stays) and a new core starts on the same pins. */
    public void restart() {
        engine.close();
        engine = new PipelineEngine(root, 2000);
    }

    public void removePipeline(String name) {
        engine.removePipeline(name, true);
    }

    @Override
    public void close() {
        engine.close();
    }
}

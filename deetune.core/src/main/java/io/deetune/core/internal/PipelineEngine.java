package io.deetune.core.internal;

import io.deetune.core.api.PipelineInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pipelines: matches stage registrations with pipelines of their hook and keeps every chain in order.
 * All kernel work happens on one platform thread ({@link EngineThread}), so changes never interleave; the public
 * methods hand work to it and wait for it.
 *
 * <p>A stage whose service goes away is taken out after a grace period ({@link DepartingStages}), unless a service of
 * the same name comes back first: a bundle update (stop, new revision, start) then becomes one atomic replacement of
 * the stage's program instead of a removal followed by an insertion.
 */
public final class PipelineEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineEngine.class);

    private final Path root;
    private final StateMapStore stateMaps;
    private final EngineThread thread = new EngineThread();
    private final Map<String, PipelineRuntime> pipelines = new HashMap<>();
    /** Pipelines whose configuration is in force but which could not be opened, described with their problem. */
    private final Map<String, PipelineInfo> failed = new HashMap<>();
    /** Stage name -> the registration in force. */
    private final Map<String, StageRegistration> stages = new HashMap<>();
    private final DepartingStages departing;
    private final RetiredEntries retired;
    /**
     * A packet stays in a program for microseconds; a few hundred milliseconds cover it with room to spare (and the
     * softirq backlog of a loaded machine).
     */
    static final long RETIRE_GRACE_MILLIS = 500;

    /**
     * @param root        the bpffs folder of DeeTune's pins (normally {@code /sys/fs/bpf/deetune})
     * @param graceMillis how long a departed stage stays in the chain waiting for its successor
     */
    public PipelineEngine(Path root, long graceMillis) {
        this(root, graceMillis, RETIRE_GRACE_MILLIS);
    }

    /**
     * @param retireGraceMillis how long a program taken out of a chain (and its successor table) stays open, for
     *                          the packets still inside it
     */
    PipelineEngine(Path root, long graceMillis, long retireGraceMillis) {
        this.root = root;
        this.stateMaps = new StateMapStore(root);
        this.departing = new DepartingStages(thread, graceMillis);
        this.retired = new RetiredEntries(retireGraceMillis, thread.executor());
    }

    // ---------------------------------------------------------------- pipelines

    /** Creates, adopts or updates the pipeline {@code spec} describes. */
    void configure(PipelineSpec spec) {
        call(() -> {
            PipelineRuntime existing = pipelines.get(spec.name());
            if (existing != null && existing.hook() == spec.hook()) {
                existing.update(spec);
                return null;
            }
            if (existing != null) {
                existing.teardown();
                pipelines.remove(spec.name());
            }
            PipelineRuntime runtime;
            try {
                // prepare, not only require: a pin root removed while the core runs (bpffs mounted again, a folder
                // deleted by hand) is made again, with the same owner and mode checks, instead of failing every pipeline.
                PinRoot.prepare(root);
                runtime = PipelineRuntime.open(root, stateMaps, retired, spec);
            } catch (RuntimeException e) {
                failed.put(spec.name(), failedInfo(spec, e));
                throw e;
            }
            failed.remove(spec.name());
            pipelines.put(spec.name(), runtime);
            for (StageRegistration registration : sortedStages()) {
                if (registration.hook() == spec.hook()) {
                    placeIn(runtime, registration);
                }
            }
            return null;
        });
    }

    /**
     * Lets go of a pipeline. With {@code teardown} (its configuration was deleted) it leaves the kernel; without,
     * it stays attached and pinned, for the next run to adopt.
     */
    void removePipeline(String name, boolean teardown) {
        call(() -> {
            failed.remove(name);
            PipelineRuntime runtime = pipelines.remove(name);
            if (runtime != null) {
                if (teardown) {
                    runtime.teardown();
                } else {
                    runtime.close();
                }
                releaseUnusedStageMaps();
            }
            return null;
        });
    }

    /** Every pipeline: the running ones, those that failed to open, and those the kernel holds with no configuration. */
    public List<PipelineInfo> list() {
        return call(() -> {
            List<PipelineInfo> all = new ArrayList<>(pipelines.values().stream().map(PipelineRuntime::info).toList());
            all.addAll(failed.values());
            all.addAll(OrphanedPipelines.find(root, known()));
            all.sort(Comparator.comparing(PipelineInfo::name));
            return List.copyOf(all);
        });
    }

    public Optional<PipelineInfo> get(String name) {
        return call(() -> Optional.ofNullable(pipelines.get(name)).map(PipelineRuntime::info)
                .or(() -> Optional.ofNullable(failed.get(name)))
                .or(() -> OrphanedPipelines.find(root, known()).stream().filter(p -> p.name().equals(name)).findFirst()));
    }

    /** The pipelines a configuration asks for, open or failed: every other pinned pipeline is orphaned. */
    private Set<String> known() {
        Set<String> known = new HashSet<>(pipelines.keySet());
        known.addAll(failed.keySet());
        return known;
    }

    /**
     * Detaches and unpins a pipeline that the kernel holds but no configuration asks for (see
     * {@link OrphanedPipelines}); false if {@code name} is not such a pipeline.
     */
    boolean removeOrphan(String name) {
        return call(() -> !known().contains(name) && OrphanedPipelines.remove(root, name));
    }

    private static PipelineInfo failedInfo(PipelineSpec spec, RuntimeException e) {
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        return new PipelineInfo(spec.name(), spec.hook(), spec.hook() == io.deetune.core.api.Hook.XDP
                ? spec.xdpMode().name().toLowerCase(java.util.Locale.ROOT) : "",
                spec.interfaces().stream().map(Object::toString).toList(), List.of(),
                Map.of("pipeline", "failed to open: " + reason));
    }

    /** Runs {@code task} with the pipeline's runtime on the engine thread (tests and benchmarks). */
    <T> T withPipeline(String name, java.util.function.Function<PipelineRuntime, T> task) {
        return call(() -> {
            PipelineRuntime runtime = pipelines.get(name);
            if (runtime == null) {
                throw new IllegalArgumentException("no pipeline '" + name + "'");
            }
            return task.apply(runtime);
        });
    }

    // ---------------------------------------------------------------- stages

    /** A stage service appeared (or changed its properties): load it into every pipeline of its hook. */
    void stageAdded(StageRegistration registration) {
        call(() -> {
            boolean returning = departing.cancel(registration.name());
            StageRegistration current = stages.get(registration.name());
            if (current != null && current.stage() != registration.stage() && !returning) {
                LOG.error("stage '{}' is registered twice (bundles {} and {}); the second one is ignored",
                        registration.name(), current.bundleId(), registration.bundleId());
                return null;
            }
            if (current != null && current.hook() != registration.hook()) {
                pipelines.values().forEach(p -> p.remove(registration.name()));
            }
            stages.put(registration.name(), registration);
            for (PipelineRuntime runtime : pipelines.values()) {
                if (runtime.hook() == registration.hook()) {
                    placeIn(runtime, registration);
                }
            }
            return null;
        });
    }

    /**
     * A stage service went away. With {@code uninstalled} its bundle is gone for good: out now, state maps
     * unpinned. Otherwise out after the grace period unless a successor registers.
     */
    void stageRemoved(StageRegistration registration, boolean uninstalled) {
        call(() -> {
            StageRegistration current = stages.get(registration.name());
            if (current == null || current.stage() != registration.stage()) {
                return null;
            }
            if (uninstalled) {
                departing.cancel(registration.name());
                takeOut(registration.name());
                stateMaps.unpinAll(registration.name());
                return null;
            }
            departing.depart(registration.name(), () -> takeOut(registration.name()));
            return null;
        });
    }

    /** A bundle that provided stage {@code name} was uninstalled after its service left: forget its state. */
    void stageUninstalled(String name) {
        call(() -> {
            if (departing.cancel(name)) {
                takeOut(name);
            }
            if (!stages.containsKey(name)) {
                stateMaps.unpinAll(name);
            }
            return null;
        });
    }

    private void takeOut(String name) {
        stages.remove(name);
        for (PipelineRuntime runtime : pipelines.values()) {
            try {
                if (runtime.remove(name)) {
                    LOG.info("stage '{}' removed from pipeline '{}'", name, runtime.name());
                }
            } catch (RuntimeException e) {
                LOG.error("stage '{}': removal from pipeline '{}' failed", name, runtime.name(), e);
            }
        }
        stateMaps.release(name);
    }

    private void placeIn(PipelineRuntime runtime, StageRegistration registration) {
        long start = System.nanoTime();
        try {
            if (!runtime.place(registration, () -> stateMaps.handTo(registration))) {
                return; // nothing that defines the stage changed: its program stays
            }
            LOG.info("stage '{}' live in pipeline '{}' after {} ms", registration.name(), runtime.name(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            runtime.recordProblem("stage " + registration.name(), e.getMessage());
            LOG.error("stage '{}' could not join pipeline '{}'; the chain is unchanged: {}", registration.name(),
                    runtime.name(), e.getMessage());
        }
    }

    private void releaseUnusedStageMaps() {
        for (String name : List.copyOf(stages.keySet())) {
            boolean used = pipelines.values().stream().anyMatch(p -> p.chain().stream().anyMatch(e -> e.name.equals(name)));
            if (!used) {
                stateMaps.release(name);
            }
        }
    }

    private List<StageRegistration> sortedStages() {
        List<StageRegistration> sorted = new ArrayList<>(stages.values());
        sorted.sort(StageRegistration.ORDER);
        return sorted;
    }

    // ---------------------------------------------------------------- thread

    private <T> T call(Callable<T> task) {
        return thread.call(task);
    }

    /**
     * Lets go of everything without touching the kernel: chains, attachments and pins stay as they are, so the
     * data plane keeps the last good pipeline while the JVM is gone.
     */
    @Override
    public void close() {
        try {
            call(() -> {
                departing.cancelAll();
                stateMaps.close();
                pipelines.values().forEach(PipelineRuntime::close);
                pipelines.clear();
                retired.close();
                return null;
            });
        } finally {
            thread.close();
        }
    }
}

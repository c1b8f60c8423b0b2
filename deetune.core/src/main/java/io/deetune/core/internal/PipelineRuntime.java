package io.deetune.core.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;
import io.deetune.core.api.Hook;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.StageInfo;
import io.deetune.core.api.StageStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel side of one pipeline, composed of its pins ({@link PipelineFolder}), statistics slots
 * ({@link StatisticsSlots}), chain ({@link Chain}, taken over from pins by {@link ChainAdoption} after a restart) and
 * attachments ({@link Attachments}), all pinned under {@code <root>/<pipeline>/} so the data plane outlives the JVM.
 * Only the engine thread calls this class.
 */
final class PipelineRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRuntime.class);

    private final PipelineFolder folder;
    private final StateMapStore stateMaps;
    private final RetiredEntries retired;
    private PipelineSpec spec;
    private StatisticsSlots slots;
    private Chain chain;
    private final Map<String, String> problems = new LinkedHashMap<>();
    private final Attachments attachments;

    private PipelineRuntime(Path dir, StateMapStore stateMaps, RetiredEntries retired, PipelineSpec spec) {
        this.folder = new PipelineFolder(dir, spec.name());
        this.stateMaps = stateMaps;
        this.retired = retired;
        this.spec = spec;
        this.attachments = new Attachments(folder, spec.name(), problems);
    }

    /** Opens the pipeline: adopts what a previous run pinned, creates what is missing, attaches interfaces. */
    static PipelineRuntime open(Path root, StateMapStore stateMaps, RetiredEntries retired, PipelineSpec spec) {
        PipelineRuntime runtime = new PipelineRuntime(root.resolve(spec.name()), stateMaps, retired, spec);
        try {
            runtime.openKernelState();
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        runtime.attachments.reconcile(spec, runtime.chain.dispatcher().program);
        return runtime;
    }

    String name() {
        return spec.name();
    }

    Hook hook() {
        return spec.hook();
    }

    List<ChainEntry> chain() {
        return chain.stages();
    }

    // ---------------------------------------------------------------- opening

    private void openKernelState() {
        folder.create();
        ChainAdoption adoption = new ChainAdoption(folder, name(), problems);
        Optional<BpfProgram> pinned = adoption.pinnedDispatcher(spec.hook());
        if (pinned.isEmpty()) {
            createChain();
            return;
        }
        slots = StatisticsSlots.open(folder, name());
        chain = new Chain(name(), folder, retired, adoption.dispatcher(pinned.get()));
        List<String> reached = adoption.adoptStages(chain, slots);
        attachments.adoptPinned();
        LOG.info("pipeline '{}': adopted the chain of a previous run: dispatcher (id {}) -> {}; {} attachment(s)",
                name(), chain.dispatcher().program.id(), reached, attachments.size());
        upgradeDispatcherIfChanged();
    }

    /** A new chain: this core's dispatcher, pinned, with nothing behind it. */
    private void createChain() {
        BpfObject object = Dispatcher.load(spec.hook(), folder, name());
        try {
            BpfProgram prog = object.program(Dispatcher.programName(spec.hook()));
            BpfMap next = object.map("deetune_next");
            prog.pin(folder.resolve("dispatcher_prog"));
            next.pin(folder.resolve("dispatcher_next"));
            slots = StatisticsSlots.open(folder, name());
            chain = new Chain(name(), folder, retired, Chain.dispatcherEntry(prog, next, object));
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** After adoption: if this core's dispatcher differs from the adopted one (a core upgrade), swap it in. */
    private void upgradeDispatcherIfChanged() {
        BpfObject object = Dispatcher.load(spec.hook(), folder, name());
        BpfProgram fresh = object.program(Dispatcher.programName(spec.hook()));
        ChainEntry adopted = chain.dispatcher();
        if (Arrays.equals(fresh.tag(), adopted.program.tag())) {
            object.close();
            return;
        }
        int adoptedId = adopted.program.id();
        try {
            chain.replaceDispatcher(Chain.dispatcherEntry(fresh, object.map("deetune_next"), object), attachments::switchTo);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
        LOG.info("pipeline '{}': dispatcher upgraded in place (program id {} -> {}) on {} attachment(s)",
                name(), adoptedId, fresh.id(), attachments.size());
    }

    // ---------------------------------------------------------------- interfaces

    /** Applies a changed configuration (same name and hook): attach and detach interfaces. */
    void update(PipelineSpec newSpec) {
        if (newSpec.xdpMode() != spec.xdpMode()) {
            // A new mode needs a new attachment: detach everything, then attach again with the new mode.
            attachments.detachAll();
        }
        this.spec = newSpec;
        attachments.reconcile(spec, chain.dispatcher().program);
    }

    // ---------------------------------------------------------------- the path of a stage

    /**
     * Loads the stage of {@code registration} and puts it in place: a new stage is inserted at its position; a
     * stage already in the chain (loaded or adopted) is replaced by the new instance in one update.
     *
     * <p>A stage already in the chain from an equal registration (same service object, name, priority, hook and
     * definition) stays as it is: nothing its program is built from changed.
     *
     * @param handOver runs once the new program is loaded and before the switch that makes it reachable: the
     *                 stage's state maps go to the plugin then, so no packet meets them before the plugin filled them
     * @return true if the chain changed; on failure (object, verifier) the chain is left exactly as it was
     */
    boolean place(StageRegistration registration, Runnable handOver) {
        ChainEntry current = chain.find(registration.name());
        if (current != null && registration.equals(current.registration)) {
            problems.remove("stage " + registration.name());
            return false;
        }
        if (current == null) {
            chain.requireRoomFor(registration.name());
        }
        int slot = slots.slotFor(registration.name(), registration.priority());
        BpfObject object = openStageObject(registration, slot, slots.stats());
        try {
            stateMaps.prepare(registration.name(), object); // reuse the pinned state maps, pin new ones where none fit
            ChainEntry fresh = load(object, registration, slot);
            handOver.run(); // the plugin fills its maps before any packet can reach the program
            chain.put(fresh); // pinned staged, switched in, pins renamed
            problems.remove("stage " + registration.name());
            return true;
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** The stage's object, opened and set up for this pipeline: its statistics slot and the shared counters map. */
    private static BpfObject openStageObject(StageRegistration registration, int slot, BpfMap stats) {
        BpfObject object = BpfObject.open(registration.stage().object(), registration.name());
        try {
            object.setConstant("deetune_stage_slot", slot);
            registration.stage().configure(object);
            object.reuseMap("deetune_stats", stats);
            return object;
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** Loads the object (the verifier runs here) and checks its program fits the pipeline's hook. */
    private ChainEntry load(BpfObject object, StageRegistration registration, int slot) {
        object.load();
        BpfProgram program = object.program(registration.stage().program());
        if (program.type() != Dispatcher.programType(spec.hook())) {
            throw new IllegalArgumentException("stage '" + registration.name() + "': program '" + program.name()
                    + "' has type " + program.type() + ", pipeline '" + name() + "' (" + spec.hook().id() + ") needs type " + Dispatcher.programType(spec.hook()));
        }
        return new ChainEntry(registration.name(), registration.priority(), slot, program,
                object.map("deetune_next"), object, registration);
    }

    /** Takes a stage out of the chain; false if it was not in it. */
    boolean remove(String stage) {
        return chain.remove(stage);
    }

    void recordProblem(String subject, String message) {
        problems.put(subject, message);
    }

    // ---------------------------------------------------------------- statistics and info

    StageStats statsOf(int slot) {
        return slots.of(slot);
    }

    PipelineInfo info() {
        ChainEntry dispatcher = chain.dispatcher();
        List<StageInfo> infos = new ArrayList<>();
        infos.add(new StageInfo("dispatcher", Integer.MIN_VALUE, 0, dispatcher.program.id(), dispatcher.adopted(), statsOf(0)));
        for (ChainEntry e : chain.stages()) {
            infos.add(new StageInfo(e.name, e.priority, e.slot, e.program.id(), e.adopted(), statsOf(e.slot)));
        }
        return new PipelineInfo(name(), spec.hook(), spec.hook() == Hook.XDP ? spec.xdpMode().name().toLowerCase() : "",
                attachments.names(), infos, Map.copyOf(problems));
    }

    /** The dispatcher program (for tests and benchmarks that run the whole chain with BPF_PROG_TEST_RUN). */
    BpfProgram dispatcherProgram() {
        return chain.dispatcher().program;
    }

    // ---------------------------------------------------------------- end of life

    /** Removes the pipeline from the kernel for good: detaches every interface and unpins everything. */
    void teardown() {
        attachments.detachAll();
        close();
        folder.removeAll();
        LOG.info("pipeline '{}': removed", name());
    }

    /** Lets go of every descriptor; pinned state stays in the kernel and keeps working. */
    @Override
    public void close() {
        attachments.close();
        if (chain != null) {
            chain.close();
            chain = null;
        }
        if (slots != null) {
            slots.close();
            slots = null;
        }
    }
}

package io.deetune.core.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.Codec;
import io.deetune.core.api.Hook;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.StageInfo;
import io.deetune.core.api.StageStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel side of one pipeline: the dispatcher and the chain of stages, composed with its pins
 * ({@link PipelineFolder}), statistics slots ({@link StatisticsSlots}) and attachments ({@link Attachments}), all
 * pinned under {@code <root>/<pipeline>/} so the data plane outlives the JVM.
 *
 * <p>Every chain change is one map update that every packet sees whole: insert X between A and B writes B into
 * X.next before X into A.next; removal writes B into A.next; an upgrade points X'.next at B, then swaps A.next from
 * X to X'. Only the engine thread calls this class.
 */
final class PipelineRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRuntime.class);
    private static final byte[] KEY0 = Codec.U32.toBytes(0);
    /**
     * The kernel follows at most 33 tail calls (MAX_TAIL_CALL_CNT) from the dispatcher; a 34th stage would be
     * skipped without a trace, so it is refused.
     */
    static final int MAX_STAGES = 33;

    private final PipelineFolder folder;
    private final StateMapStore stateMaps;
    private final RetiredEntries retired;
    private PipelineSpec spec;
    private StatisticsSlots slots;
    private ChainEntry dispatcher;
    private final List<ChainEntry> chain = new ArrayList<>();
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
        runtime.attachments.reconcile(spec, runtime.dispatcher.program);
        return runtime;
    }

    String name() {
        return spec.name();
    }

    Hook hook() {
        return spec.hook();
    }

    List<ChainEntry> chain() {
        return List.copyOf(chain);
    }

    // ---------------------------------------------------------------- opening and adoption

    private void openKernelState() {
        folder.create();
        Path dispatcherProg = folder.resolve("dispatcher_prog");
        if (Files.exists(dispatcherProg)) {
            BpfProgram old = BpfProgram.openPinned(dispatcherProg);
            if (old.type() != Dispatcher.programType(spec.hook())) {
                old.close();
                LOG.warn("pipeline '{}': pinned state is for another hook; removing it and starting anew", name());
                folder.removeAll();
                folder.create();
            } else {
                adopt(old);
                upgradeDispatcherIfChanged();
                return;
            }
        }
        createDispatcher();
    }

    private void createDispatcher() {
        BpfObject object = Dispatcher.load(spec.hook(), folder, name());
        try {
            BpfProgram prog = object.program(Dispatcher.programName(spec.hook()));
            BpfMap next = object.map("deetune_next");
            prog.pin(folder.resolve("dispatcher_prog"));
            next.pin(folder.resolve("dispatcher_next"));
            slots = StatisticsSlots.open(folder, name());
            dispatcher = new ChainEntry("dispatcher", Integer.MIN_VALUE, 0, prog, next, object, null);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /**
     * After adoption: if this core's dispatcher differs from the adopted one (a core upgrade), swap it in. Its
     * successor slot is filled first, then every attachment is switched with bpf_link_update, which every packet
     * sees whole.
     */
    private void upgradeDispatcherIfChanged() {
        BpfObject object = Dispatcher.load(spec.hook(), folder, name());
        BpfProgram fresh = object.program(Dispatcher.programName(spec.hook()));
        if (java.util.Arrays.equals(fresh.tag(), dispatcher.program.tag())) {
            object.close();
            return;
        }
        try {
            BpfMap freshNext = object.map("deetune_next");
            if (!chain.isEmpty()) {
                setNext(freshNext, chain.getFirst().program);
            }
            Path progPin = folder.resolve("dispatcher_prog");
            Path nextPin = folder.resolve("dispatcher_next");
            folder.pinStaged(fresh, freshNext, progPin, nextPin);
            attachments.switchTo(fresh);
            folder.commitStaged(progPin, nextPin);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
        LOG.info("pipeline '{}': dispatcher upgraded in place (program id {} -> {}) on {} attachment(s)",
                name(), dispatcher.program.id(), fresh.id(), attachments.size());
        retired.retire("the old dispatcher of pipeline '" + name() + "'", dispatcher);
        dispatcher = new ChainEntry("dispatcher", Integer.MIN_VALUE, 0, fresh, object.map("deetune_next"), object, null);
    }

    /** Rebuilds the chain from the pins of a previous run, following the successor tables from the dispatcher. */
    private void adopt(BpfProgram dispatcherProgram) {
        slots = StatisticsSlots.open(folder, name());
        dispatcher = new ChainEntry("dispatcher", Integer.MIN_VALUE, 0, dispatcherProgram,
                BpfMap.openPinned(folder.resolve("dispatcher_next")), null, null);
        Map<Integer, String> stageByProgramId = programIds(folder.pinnedStages(), false);
        // A crash between a switch and the rename of its staged pins leaves the live program pinned only as @new.
        Map<Integer, String> stagedByProgramId = programIds(folder.stagedStages(), true);
        BpfMap cursor = dispatcher.next;
        List<String> reached = new ArrayList<>();
        Optional<byte[]> successor;
        while ((successor = cursor.lookup(KEY0)).isPresent()) {
            int programId = Codec.U32.fromBytes(successor.get());
            String stage = stageByProgramId.get(programId);
            if (stage == null && stagedByProgramId.containsKey(programId)) {
                stage = stagedByProgramId.get(programId);
                LOG.info("pipeline '{}': stage '{}' went live in a run that stopped before its pins were renamed; renaming them now", name(), stage);
                folder.commit(stage);
            }
            if (stage == null || reached.contains(stage)) {
                problems.put("chain", "program id " + programId + " in the chain is not a pinned stage; the chain is kept as the kernel has it from there");
                break;
            }
            reached.add(stage);
            StatisticsSlots.Meta meta = slots.meta(stage);
            ChainEntry entry = new ChainEntry(stage, meta.priority(), meta.slot(), BpfProgram.openPinned(folder.stagePin(stage, "prog")),
                    BpfMap.openPinned(folder.stagePin(stage, "next")), null, null);
            chain.add(entry);
            cursor = entry.next;
        }
        folder.removeStagedLeftovers();
        for (String stage : folder.pinnedStages()) {
            if (!reached.contains(stage)) {
                LOG.info("pipeline '{}': unpinning stage '{}', which is no longer in the chain", name(), stage);
                folder.unpinStage(stage);
            }
        }
        attachments.adoptPinned();
        LOG.info("pipeline '{}': adopted the chain of a previous run: dispatcher (id {}) -> {}; {} attachment(s)",
                name(), dispatcher.program.id(), reached, attachments.size());
    }

    /** Program id -> stage, for the stages' pinned programs (live, or staged only). */
    private Map<Integer, String> programIds(List<String> stages, boolean staged) {
        Map<Integer, String> byId = new HashMap<>();
        for (String stage : stages) {
            Path pin = folder.stagePin(stage, "prog");
            try (BpfProgram p = BpfProgram.openPinned(staged ? PipelineFolder.staged(pin) : pin)) {
                byId.put(p.id(), stage);
            }
        }
        return byId;
    }

    // ---------------------------------------------------------------- interfaces

    /** Applies a changed configuration (same name and hook): attach and detach interfaces. */
    void update(PipelineSpec newSpec) {
        if (newSpec.xdpMode() != spec.xdpMode()) {
            // A new mode needs a new attachment: detach everything, then attach again with the new mode.
            attachments.detachAll();
        }
        this.spec = newSpec;
        attachments.reconcile(spec, dispatcher.program);
    }

    // ---------------------------------------------------------------- the chain

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
        ChainEntry current = find(registration.name());
        if (current != null && registration.equals(current.registration)) {
            problems.remove("stage " + registration.name());
            return false;
        }
        if (current == null && chain.size() >= MAX_STAGES) {
            throw new IllegalStateException("pipeline '" + name() + "' already runs " + chain.size()
                    + " stages, at most 33 stages fit (the kernel follows at most 33 tail calls); stage '"
                    + registration.name() + "' is not placed");
        }
        ChainEntry fresh = load(registration);
        try {
            handOver.run();
            ChainEntry existing = find(registration.name());
            if (existing != null && positionFits(chain.indexOf(existing), fresh)) {
                replace(existing, fresh);
            } else {
                if (existing != null) {
                    remove(existing);
                }
                insert(fresh);
            }
            problems.remove("stage " + registration.name());
            return true;
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
        }
    }

    /** Takes a stage out of the chain; false if it was not in it. */
    boolean remove(String stage) {
        ChainEntry existing = find(stage);
        if (existing == null) {
            return false;
        }
        remove(existing);
        return true;
    }

    void recordProblem(String subject, String message) {
        problems.put(subject, message);
    }

    private ChainEntry find(String stage) {
        return chain.stream().filter(e -> e.name.equals(stage)).findFirst().orElse(null);
    }

    private boolean positionFits(int index, ChainEntry candidate) {
        boolean afterPrevious = index == 0 || compare(chain.get(index - 1), candidate) < 0;
        boolean beforeNext = index == chain.size() - 1 || compare(candidate, chain.get(index + 1)) < 0;
        return afterPrevious && beforeNext;
    }

    private static int compare(ChainEntry a, ChainEntry b) {
        int byPriority = Integer.compare(a.priority, b.priority);
        return byPriority != 0 ? byPriority : a.name.compareTo(b.name);
    }

    private ChainEntry load(StageRegistration registration) {
        int slot = slots.slotFor(registration.name(), registration.priority());
        BpfObject object = BpfObject.open(registration.stage().object(), registration.name());
        try {
            object.setConstant("deetune_stage_slot", slot);
            registration.stage().configure(object);
            object.reuseMap("deetune_stats", slots.stats());
            stateMaps.prepare(registration.name(), object);
            object.load();
            BpfProgram program = object.program(registration.stage().program());
            if (program.type() != Dispatcher.programType(spec.hook())) {
                throw new IllegalArgumentException("stage '" + registration.name() + "': program '" + program.name()
                        + "' has type " + program.type() + ", pipeline '" + name() + "' (" + spec.hook().id() + ") needs type " + Dispatcher.programType(spec.hook()));
            }
            return new ChainEntry(registration.name(), registration.priority(), slot, program,
                    object.map("deetune_next"), object, registration);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    private void insert(ChainEntry entry) {
        int index = 0;
        while (index < chain.size() && compare(chain.get(index), entry) < 0) {
            index++;
        }
        ChainEntry predecessor = index == 0 ? dispatcher : chain.get(index - 1);
        ChainEntry successor = index < chain.size() ? chain.get(index) : null;
        if (successor != null) {
            setNext(entry.next, successor.program);
        }
        folder.stage(entry.name, entry.program, entry.next);
        setNext(predecessor.next, entry.program); // the packet-visible switch
        chain.add(index, entry);
        folder.commit(entry.name);
    }

    private void replace(ChainEntry old, ChainEntry fresh) {
        int index = chain.indexOf(old);
        ChainEntry predecessor = index == 0 ? dispatcher : chain.get(index - 1);
        ChainEntry successor = index + 1 < chain.size() ? chain.get(index + 1) : null;
        if (successor != null) {
            setNext(fresh.next, successor.program);
        }
        folder.stage(fresh.name, fresh.program, fresh.next);
        setNext(predecessor.next, fresh.program); // the packet-visible switch
        chain.set(index, fresh);
        folder.commit(fresh.name);
        retired.retire("replaced stage '" + old.name + "' of pipeline '" + name() + "'", old);
    }

    private void remove(ChainEntry entry) {
        int index = chain.indexOf(entry);
        ChainEntry predecessor = index == 0 ? dispatcher : chain.get(index - 1);
        ChainEntry successor = index + 1 < chain.size() ? chain.get(index + 1) : null;
        if (successor != null) {
            setNext(predecessor.next, successor.program); // the packet-visible switch
        } else {
            predecessor.next.delete(KEY0);
        }
        chain.remove(index);
        folder.unpinStage(entry.name);
        retired.retire("removed stage '" + entry.name + "' of pipeline '" + name() + "'", entry);
    }

    private static void setNext(BpfMap table, BpfProgram program) {
        table.update(KEY0, Codec.U32.toBytes(program.fd()));
    }

    // ---------------------------------------------------------------- statistics and info

    StageStats statsOf(int slot) {
        return slots.of(slot);
    }

    PipelineInfo info() {
        List<StageInfo> infos = new ArrayList<>();
        infos.add(new StageInfo("dispatcher", Integer.MIN_VALUE, 0, dispatcher.program.id(), dispatcher.adopted(), statsOf(0)));
        for (ChainEntry e : chain) {
            infos.add(new StageInfo(e.name, e.priority, e.slot, e.program.id(), e.adopted(), statsOf(e.slot)));
        }
        return new PipelineInfo(name(), spec.hook(), spec.hook() == Hook.XDP ? spec.xdpMode().name().toLowerCase() : "",
                attachments.names(), infos, Map.copyOf(problems));
    }

    /** The dispatcher program (for tests and benchmarks that run the whole chain with BPF_PROG_TEST_RUN). */
    BpfProgram dispatcherProgram() {
        return dispatcher.program;
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
        chain.forEach(ChainEntry::close);
        chain.clear();
        if (dispatcher != null) {
            dispatcher.close();
            dispatcher = null;
        }
        if (slots != null) {
            slots.close();
            slots = null;
        }
    }
}

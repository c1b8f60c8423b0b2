package io.deetune.core.internal;

import io.deetune.bpf.BpfFs;
import io.deetune.bpf.BpfLink;
import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.Codec;
import io.deetune.bpf.MapType;
import io.deetune.bpf.NetNs;
import io.deetune.bpf.TcDirection;
import io.deetune.core.api.Hook;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.StageInfo;
import io.deetune.core.api.StageStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel side of one pipeline: dispatcher, chain, statistics and attachments, all pinned under
 * {@code <root>/<pipeline>/} so the data plane outlives the JVM.
 *
 * <p>Every chain change is one map update that every packet sees whole: insert X between A and B writes B into
 * X.next before X into A.next; removal writes B into A.next; an upgrade points X'.next at B, then swaps A.next from
 * X to X'. Only the engine thread calls this class.
 *
 * <pre>
 * stats                 per-CPU counters by slot (slot 0: dispatcher)      deetune_stats of every program
 * stage_meta            stage name -> {slot, priority}, to adopt the chain after a restart
 * dispatcher_prog/next  the dispatcher and its successor table
 * stage@S@prog/next     stage S and its successor table
 * link@NS@IF            the attachment to interface IF of namespace NS (host: the JVM's own; see PinNames)
 * </pre>
 */
final class PipelineRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRuntime.class);
    private static final byte[] KEY0 = Codec.U32.toBytes(0);
    private static final int STAGE_META_ENTRIES = 64;
    private static final int NAME_BYTES = 16;
    /**
     * The kernel follows at most 33 tail calls (MAX_TAIL_CALL_CNT) from the dispatcher; a 34th stage would be
     * skipped without a trace, so it is refused.
     */
    static final int MAX_STAGES = 33;

    private final Path dir;
    private final StateMapStore stateMaps;
    private final RetiredEntries retired;
    private PipelineSpec spec;
    private BpfMap stats;
    private BpfMap stageMeta;
    private ChainEntry dispatcher;
    private final List<ChainEntry> chain = new ArrayList<>();
    private final Map<InterfaceRef, BpfLink> links = new LinkedHashMap<>();
    private final Map<String, String> problems = new LinkedHashMap<>();

    private PipelineRuntime(Path dir, StateMapStore stateMaps, RetiredEntries retired, PipelineSpec spec) {
        this.dir = dir;
        this.stateMaps = stateMaps;
        this.retired = retired;
        this.spec = spec;
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
        runtime.reconcileInterfaces();
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
        BpfFs.createPrivateDirectories(dir);
        Path dispatcherProg = dir.resolve("dispatcher_prog");
        if (Files.exists(dispatcherProg)) {
            BpfProgram old = BpfProgram.openPinned(dispatcherProg);
            if (old.type() != programType()) {
                old.close();
                LOG.warn("pipeline '{}': pinned state is for another hook; removing it and starting anew", name());
                teardownPins();
            } else {
                adopt(old);
                upgradeDispatcherIfChanged();
                return;
            }
        }
        createDispatcher();
    }

    private void createDispatcher() {
        BpfObject object = loadDispatcherObject();
        try {
            BpfProgram prog = object.program(dispatcherProgramName());
            BpfMap next = object.map("deetune_next");
            prog.pin(dir.resolve("dispatcher_prog"));
            next.pin(dir.resolve("dispatcher_next"));
            stats = BpfMap.openPinned(dir.resolve("stats"));
            stageMeta = openOrCreateStageMeta();
            dispatcher = new ChainEntry("dispatcher", Integer.MIN_VALUE, 0, prog, next, object, null);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** The program type this pipeline's hook runs: XDP, or SCHED_CLS for TC. */
    private int programType() {
        return spec.hook() == Hook.XDP ? BpfProgram.TYPE_XDP : BpfProgram.TYPE_SCHED_CLS;
    }

    private String dispatcherProgramName() {
        return spec.hook() == Hook.XDP ? "deetune_xdp" : "deetune_tc";
    }

    /** Loads this core's dispatcher, sharing the pipeline's pinned statistics map (created if missing). */
    private BpfObject loadDispatcherObject() {
        String resource = spec.hook() == Hook.XDP ? "bpf/dispatcher_xdp.bpf.o" : "bpf/dispatcher_tc.bpf.o";
        BpfObject object = BpfObject.open(PipelineRuntime.class, resource);
        try {
            Path statsPin = dir.resolve("stats");
            if (Files.exists(statsPin)) {
                try (BpfMap old = BpfMap.openPinned(statsPin)) {
                    if (!old.definition().compatibleWith(object.mapDefinitions().get("deetune_stats"))) {
                        LOG.warn("pipeline '{}': statistics map changed definition; counters start from zero", name());
                        BpfFs.unpin(statsPin);
                    }
                }
            }
            return object.setConstant("deetune_stage_slot", 0).setPinPath("deetune_stats", statsPin).load();
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
        BpfObject object = loadDispatcherObject();
        BpfProgram fresh = object.program(dispatcherProgramName());
        if (java.util.Arrays.equals(fresh.tag(), dispatcher.program.tag())) {
            object.close();
            return;
        }
        try {
            BpfMap freshNext = object.map("deetune_next");
            if (!chain.isEmpty()) {
                setNext(freshNext, chain.getFirst().program);
            }
            Path progPin = dir.resolve("dispatcher_prog");
            Path nextPin = dir.resolve("dispatcher_next");
            pinStaged(fresh, freshNext, progPin, nextPin);
            for (BpfLink link : links.values()) {
                link.update(fresh);
            }
            commitStaged(progPin, nextPin);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
        LOG.info("pipeline '{}': dispatcher upgraded in place (program id {} -> {}) on {} attachment(s)",
                name(), dispatcher.program.id(), fresh.id(), links.size());
        retired.retire("the old dispatcher of pipeline '" + name() + "'", dispatcher);
        dispatcher = new ChainEntry("dispatcher", Integer.MIN_VALUE, 0, fresh, object.map("deetune_next"), object, null);
    }

    private BpfMap openOrCreateStageMeta() {
        Path pin = dir.resolve("stage_meta");
        if (Files.exists(pin)) {
            return BpfMap.openPinned(pin);
        }
        BpfMap map = BpfMap.create(MapType.HASH, "deetune_meta", NAME_BYTES, 8, STAGE_META_ENTRIES, 0);
        map.pin(pin);
        return map;
    }

    /** Rebuilds the chain from the pins of a previous run, following the successor tables from the dispatcher. */
    private void adopt(BpfProgram dispatcherProgram) {
        stats = BpfMap.openPinned(dir.resolve("stats"));
        stageMeta = openOrCreateStageMeta();
        dispatcher = new ChainEntry("dispatcher", Integer.MIN_VALUE, 0, dispatcherProgram,
                BpfMap.openPinned(dir.resolve("dispatcher_next")), null, null);
        Map<Integer, String> stageByProgramId = new HashMap<>();
        for (String stage : pinnedStageNames()) {
            try (BpfProgram p = BpfProgram.openPinned(stagePin(stage, "prog"))) {
                stageByProgramId.put(p.id(), stage);
            }
        }
        // A crash between a switch and the rename of its staged pins leaves the live program pinned only as @new.
        Map<Integer, String> stagedByProgramId = new HashMap<>();
        for (String stage : pinnedStageNames(STAGED_PROG_SUFFIX)) {
            try (BpfProgram p = BpfProgram.openPinned(staged(stagePin(stage, "prog")))) {
                stagedByProgramId.put(p.id(), stage);
            }
        }
        BpfMap cursor = dispatcher.next;
        List<String> reached = new ArrayList<>();
        Optional<byte[]> successor;
        while ((successor = cursor.lookup(KEY0)).isPresent()) {
            int programId = Codec.U32.fromBytes(successor.get());
            String stage = stageByProgramId.get(programId);
            if (stage == null && stagedByProgramId.containsKey(programId)) {
                stage = stagedByProgramId.get(programId);
                LOG.info("pipeline '{}': stage '{}' went live in a run that stopped before its pins were renamed; renaming them now", name(), stage);
                commitStaged(stagePin(stage, "prog"), stagePin(stage, "next"));
            }
            if (stage == null || reached.contains(stage)) {
                problems.put("chain", "program id " + programId + " in the chain is not a pinned stage; the chain is kept as the kernel has it from there");
                break;
            }
            reached.add(stage);
            int[] meta = readStageMeta(stage);
            ChainEntry entry = new ChainEntry(stage, meta[1], meta[0], BpfProgram.openPinned(stagePin(stage, "prog")),
                    BpfMap.openPinned(stagePin(stage, "next")), null, null);
            chain.add(entry);
            cursor = entry.next;
        }
        removeStagedLeftovers();
        for (String stage : pinnedStageNames()) {
            if (!reached.contains(stage)) {
                LOG.info("pipeline '{}': unpinning stage '{}', which is no longer in the chain", name(), stage);
                BpfFs.unpin(stagePin(stage, "prog"));
                BpfFs.unpin(stagePin(stage, "next"));
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path pin : files.filter(p -> PinNames.isLink(p.getFileName().toString())).toList()) {
                BpfLink link = BpfLink.openPinned(pin);
                InterfaceRef ref = PinNames.interfaceOfLink(pin.getFileName().toString());
                links.put(ref, link);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        LOG.info("pipeline '{}': adopted the chain of a previous run: dispatcher (id {}) -> {}; {} attachment(s)",
                name(), dispatcher.program.id(), reached, links.size());
    }

    private List<String> pinnedStageNames() {
        return pinnedStageNames("@prog");
    }

    /** The suffix of a pin that is staged: pinned before its switch, renamed once live. */
    static final String STAGED_SUFFIX = "@new";
    private static final String STAGED_PROG_SUFFIX = "@prog" + STAGED_SUFFIX;

    private List<String> pinnedStageNames(String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("stage@") && n.endsWith(suffix))
                    .map(n -> n.substring("stage@".length(), n.length() - suffix.length()))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * Unpins staging pins ({@code @new}) that a run which stopped (crashed) mid-change left behind: what they hold
     * never went live, or its live part was renamed above.
     */
    private void removeStagedLeftovers() {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path pin : files.filter(p -> p.getFileName().toString().endsWith(STAGED_SUFFIX)).toList()) {
                LOG.info("pipeline '{}': unpinning {}, left staged by an earlier run", name(), pin.getFileName());
                BpfFs.unpin(pin);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private Path stagePin(String stage, String what) {
        return dir.resolve(PinNames.stage(stage, what));
    }

    // ---------------------------------------------------------------- interfaces

    /** Applies a changed configuration (same name and hook): attach and detach interfaces. */
    void update(PipelineSpec newSpec) {
        if (newSpec.xdpMode() != spec.xdpMode()) {
            // A new mode needs a new attachment: detach everything, then attach again with the new mode.
            for (InterfaceRef ref : List.copyOf(links.keySet())) {
                detach(ref);
            }
        }
        this.spec = newSpec;
        reconcileInterfaces();
    }

    private void reconcileInterfaces() {
        problems.keySet().removeIf(k -> k.startsWith("interface "));
        for (InterfaceRef ref : List.copyOf(links.keySet())) {
            BpfLink link = links.get(ref);
            boolean stillAttached;
            try {
                stillAttached = link.info().ifindex() != 0;
            } catch (RuntimeException e) {
                stillAttached = false;
            }
            if (!spec.interfaces().contains(ref) || !stillAttached) {
                detach(ref);
            }
        }
        for (InterfaceRef ref : spec.interfaces()) {
            if (!links.containsKey(ref)) {
                try {
                    attach(ref);
                } catch (RuntimeException e) {
                    problems.put("interface " + ref, e.getMessage());
                    LOG.error("pipeline '{}': cannot attach to {}: {}", name(), ref, e.getMessage());
                }
            }
        }
    }

    private void attach(InterfaceRef ref) {
        BpfLink link = NetNs.get(ref.namespace(), () -> {
            int ifindex = NetNs.ifindexHere(ref.ifname(), ref.namespace());
            return switch (spec.hook()) {
                case XDP -> dispatcher.program.attachXdp(ifindex, spec.xdpMode());
                case TC_INGRESS -> dispatcher.program.attachTcx(ifindex, TcDirection.INGRESS);
                case TC_EGRESS -> dispatcher.program.attachTcx(ifindex, TcDirection.EGRESS);
            };
        });
        Path pin = dir.resolve(PinNames.link(ref));
        try {
            BpfFs.unpin(pin);
            link.pin(pin);
        } catch (RuntimeException e) {
            // Unpinned, the attachment would outlive our knowledge of it and the next reconcile would attach again.
            try {
                link.detach();
            } catch (RuntimeException detachFailure) {
                e.addSuppressed(detachFailure);
            }
            link.close();
            throw e;
        }
        links.put(ref, link);
        LOG.info("pipeline '{}': attached to {} ({} {})", name(), ref, spec.hook().id(),
                spec.hook() == Hook.XDP ? spec.xdpMode().name().toLowerCase() : "tcx");
    }

    private void detach(InterfaceRef ref) {
        BpfLink link = links.remove(ref);
        if (link != null) {
            try {
                link.detach();
            } catch (RuntimeException e) {
                LOG.debug("pipeline '{}': link of {} was already gone: {}", name(), ref, e.getMessage());
            }
            link.close();
        }
        BpfFs.unpin(dir.resolve(PinNames.link(ref)));
        LOG.info("pipeline '{}': detached from {}", name(), ref);
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
        int slot = slotFor(registration.name(), registration.priority());
        BpfObject object = BpfObject.open(registration.stage().object(), registration.name());
        try {
            object.setConstant("deetune_stage_slot", slot);
            registration.stage().configure(object);
            object.reuseMap("deetune_stats", stats);
            stateMaps.prepare(registration.name(), object);
            object.load();
            BpfProgram program = object.program(registration.stage().program());
            if (program.type() != programType()) {
                throw new IllegalArgumentException("stage '" + registration.name() + "': program '" + program.name()
                        + "' has type " + program.type() + ", pipeline '" + name() + "' (" + spec.hook().id() + ") needs type " + programType());
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
        pinStaged(entry.program, entry.next, stagePin(entry.name, "prog"), stagePin(entry.name, "next"));
        setNext(predecessor.next, entry.program); // the packet-visible switch
        chain.add(index, entry);
        commitStaged(stagePin(entry.name, "prog"), stagePin(entry.name, "next"));
    }

    private void replace(ChainEntry old, ChainEntry fresh) {
        int index = chain.indexOf(old);
        ChainEntry predecessor = index == 0 ? dispatcher : chain.get(index - 1);
        ChainEntry successor = index + 1 < chain.size() ? chain.get(index + 1) : null;
        if (successor != null) {
            setNext(fresh.next, successor.program);
        }
        pinStaged(fresh.program, fresh.next, stagePin(fresh.name, "prog"), stagePin(fresh.name, "next"));
        setNext(predecessor.next, fresh.program); // the packet-visible switch
        chain.set(index, fresh);
        commitStaged(stagePin(fresh.name, "prog"), stagePin(fresh.name, "next"));
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
        BpfFs.unpin(stagePin(entry.name, "prog"));
        BpfFs.unpin(stagePin(entry.name, "next"));
        retired.retire("removed stage '" + entry.name + "' of pipeline '" + name() + "'", entry);
    }

    private static void setNext(BpfMap table, BpfProgram program) {
        table.update(KEY0, Codec.U32.toBytes(program.fd()));
    }

    /**
     * Pins a program and its successor table under temporary names ({@code <pin>@new}) before they go live, so no
     * moment leaves them unpinned (an unpinned, unreferenced program array is emptied by the kernel).
     */
    private static void pinStaged(BpfProgram program, BpfMap next, Path progPin, Path nextPin) {
        Path prog = staged(progPin);
        Path table = staged(nextPin);
        BpfFs.unpin(prog);
        BpfFs.unpin(table);
        program.pin(prog);
        next.pin(table);
    }

    /** Once live: moves the temporary pins to their final names, replacing those of what was replaced. */
    private static void commitStaged(Path progPin, Path nextPin) {
        try {
            Files.move(staged(progPin), progPin, StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged(nextPin), nextPin, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename the pins " + staged(progPin) + " and " + staged(nextPin), e);
        }
    }

    private static Path staged(Path pin) {
        return pin.resolveSibling(pin.getFileName() + STAGED_SUFFIX);
    }

    // ---------------------------------------------------------------- statistics slots

    private int slotFor(String stage, int priority) {
        int[] meta = readStageMeta(stage);
        int slot = meta[0];
        if (slot == 0) {
            boolean[] used = new boolean[STAGE_META_ENTRIES];
            used[0] = true;
            for (byte[] key : stageMeta.keys()) {
                stageMeta.lookup(key).ifPresent(v -> used[Codec.U32.fromBytes(v)] = true);
            }
            while (slot < STAGE_META_ENTRIES && used[slot]) {
                slot++;
            }
            if (slot == STAGE_META_ENTRIES) {
                throw new IllegalStateException("pipeline '" + name() + "' has no free statistics slot (at most "
                        + (STAGE_META_ENTRIES - 1) + " stages)");
            }
            // A fresh slot starts from zero, even if an earlier stage left counts in it.
            byte[][] zeros = new byte[BpfMap.possibleCpus()][stats.valueSize()];
            for (int cpu = 0; cpu < zeros.length; cpu++) {
                zeros[cpu] = new byte[stats.valueSize()];
            }
            stats.updatePerCpu(Codec.U32.toBytes(slot), zeros, BpfMap.ANY);
        }
        stageMeta.update(nameKey(stage), ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(slot).putInt(priority).array());
        return slot;
    }

    /** {slot, priority} of a stage; slot 0 when it has none yet. */
    private int[] readStageMeta(String stage) {
        return stageMeta.lookup(nameKey(stage)).map(v -> {
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
            return new int[] {b.getInt(), b.getInt()};
        }).orElse(new int[] {0, 0});
    }

    private static byte[] nameKey(String stage) {
        byte[] key = new byte[NAME_BYTES];
        byte[] name = stage.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, key, 0, Math.min(name.length, NAME_BYTES - 1));
        return key;
    }

    StageStats statsOf(int slot) {
        return stats.lookupPerCpu(Codec.U32.toBytes(slot)).map(perCpu -> {
            long[] sum = new long[6];
            for (byte[] value : perCpu) {
                ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += b.getLong();
                }
            }
            return new StageStats(sum[0], sum[1], sum[2], sum[3], sum[4], sum[5]);
        }).orElse(StageStats.ZERO);
    }

    PipelineInfo info() {
        List<StageInfo> infos = new ArrayList<>();
        infos.add(new StageInfo("dispatcher", Integer.MIN_VALUE, 0, dispatcher.program.id(), dispatcher.adopted(), statsOf(0)));
        for (ChainEntry e : chain) {
            infos.add(new StageInfo(e.name, e.priority, e.slot, e.program.id(), e.adopted(), statsOf(e.slot)));
        }
        return new PipelineInfo(name(), spec.hook(), spec.hook() == Hook.XDP ? spec.xdpMode().name().toLowerCase() : "",
                links.keySet().stream().map(InterfaceRef::toString).toList(), infos, Map.copyOf(problems));
    }

    /** The dispatcher program (for tests and benchmarks that run the whole chain with BPF_PROG_TEST_RUN). */
    BpfProgram dispatcherProgram() {
        return dispatcher.program;
    }

    // ---------------------------------------------------------------- end of life

    /** Removes the pipeline from the kernel for good: detaches every interface and unpins everything. */
    void teardown() {
        for (InterfaceRef ref : List.copyOf(links.keySet())) {
            detach(ref);
        }
        close();
        teardownPins();
        LOG.info("pipeline '{}': removed", name());
    }

    private void teardownPins() {
        removePins(dir);
    }

    /**
     * Takes a pipeline folder out of the kernel: detaches every attachment pinned there, unpins everything (the kernel
     * frees what nothing else holds) and removes the folder. Also used for orphaned pipelines, which no runtime holds.
     */
    static void removePins(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> pins = Files.list(dir)) {
            for (Path pin : pins.toList()) {
                if (PinNames.isLink(pin.getFileName().toString())) {
                    try (BpfLink link = BpfLink.openPinned(pin)) {
                        link.detach();
                    } catch (RuntimeException e) {
                        LOG.debug("stale link pin {}: {}", pin, e.getMessage());
                    }
                }
                BpfFs.unpin(pin);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    /** Lets go of every descriptor; pinned state stays in the kernel and keeps working. */
    @Override
    public void close() {
        links.values().forEach(BpfLink::close);
        links.clear();
        chain.forEach(ChainEntry::close);
        chain.clear();
        if (dispatcher != null) {
            dispatcher.close();
            dispatcher = null;
        }
        if (stats != null) {
            stats.close();
        }
        if (stageMeta != null) {
            stageMeta.close();
        }
    }
}

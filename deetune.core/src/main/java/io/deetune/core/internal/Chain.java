package io.deetune.core.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.Codec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The chain of one pipeline: the dispatcher and the stages behind it in order (priority, then name), and the
 * writes to their successor tables that change it.
 *
 * <p>Every change is one map update that every packet sees whole: insert X between A and B writes B into X.next
 * before X into A.next; removal writes B into A.next; an upgrade points X'.next at B, then swaps A.next from X to X'.
 * A program is pinned staged ({@link PipelineFolder#stage}) before that switch and its pins renamed after, so no
 * moment leaves it unpinned. What a change takes out goes to {@link RetiredEntries}. Only the engine thread calls
 * this class.
 */
final class Chain implements AutoCloseable {

    private static final byte[] KEY0 = Codec.U32.toBytes(0);
    /**
     * The kernel follows at most 33 tail calls (MAX_TAIL_CALL_CNT) from the dispatcher; a 34th stage would be
     * skipped without a trace, so it is refused.
     */
    static final int MAX_STAGES = 33;

    private final String pipeline;
    private final PipelineFolder folder;
    private final RetiredEntries retired;
    private ChainEntry dispatcher;
    private final List<ChainEntry> stages = new ArrayList<>();

    Chain(String pipeline, PipelineFolder folder, RetiredEntries retired, ChainEntry dispatcher) {
        this.pipeline = pipeline;
        this.folder = folder;
        this.retired = retired;
        this.dispatcher = dispatcher;
    }

    /** The dispatcher entry of a chain this run created, its program and successor table pinned as dispatcher_prog|next. */
    static ChainEntry dispatcherEntry(BpfProgram program, BpfMap next, BpfObject object) {
        return new ChainEntry("dispatcher", Integer.MIN_VALUE, 0, program, next, object, null);
    }

    ChainEntry dispatcher() {
        return dispatcher;
    }

    /** The stages in order, without the dispatcher. */
    List<ChainEntry> stages() {
        return List.copyOf(stages);
    }

    ChainEntry find(String stage) {
        return stages.stream().filter(e -> e.name.equals(stage)).findFirst().orElse(null);
    }

    /** Refuses a stage beyond the kernel's tail-call limit, before anything is loaded for it. */
    void requireRoomFor(String stage) {
        if (stages.size() >= MAX_STAGES) {
            throw new IllegalStateException("pipeline '" + pipeline + "' already runs " + stages.size()
                    + " stages, at most 33 stages fit (the kernel follows at most 33 tail calls); stage '"
                    + stage + "' is not placed");
        }
    }

    /**
     * Adds an entry adopted from pins at the end of the chain; adoption follows the successor tables from the
     * dispatcher, so entries come in chain order.
     */
    void appendAdopted(ChainEntry entry) {
        stages.add(entry);
    }

    /**
     * Makes {@code fresh} live: it replaces the stage of the same name in one switch where the order allows it,
     * otherwise that stage is taken out and {@code fresh} inserted at its position.
     */
    void put(ChainEntry fresh) {
        ChainEntry existing = find(fresh.name);
        if (existing != null && positionFits(stages.indexOf(existing), fresh)) {
            replace(existing, fresh);
        } else {
            if (existing != null) {
                remove(existing);
            }
            insert(fresh);
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

    /**
     * Swaps in a new dispatcher: its successor slot is filled first, then {@code switchAttachments} moves every
     * attachment to it, which every packet sees whole.
     */
    void replaceDispatcher(ChainEntry fresh, Consumer<BpfProgram> switchAttachments) {
        if (!stages.isEmpty()) {
            setNext(fresh.next, stages.getFirst().program);
        }
        Path progPin = folder.resolve("dispatcher_prog");
        Path nextPin = folder.resolve("dispatcher_next");
        folder.pinStaged(fresh.program, fresh.next, progPin, nextPin);
        switchAttachments.accept(fresh.program);
        folder.commitStaged(progPin, nextPin);
        retired.retire("the old dispatcher of pipeline '" + pipeline + "'", dispatcher);
        dispatcher = fresh;
    }

    private boolean positionFits(int index, ChainEntry candidate) {
        boolean afterPrevious = index == 0 || compare(stages.get(index - 1), candidate) < 0;
        boolean beforeNext = index == stages.size() - 1 || compare(candidate, stages.get(index + 1)) < 0;
        return afterPrevious && beforeNext;
    }

    private static int compare(ChainEntry a, ChainEntry b) {
        int byPriority = Integer.compare(a.priority, b.priority);
        return byPriority != 0 ? byPriority : a.name.compareTo(b.name);
    }

    private void insert(ChainEntry entry) {
        int index = 0;
        while (index < stages.size() && compare(stages.get(index), entry) < 0) {
            index++;
        }
        ChainEntry predecessor = index == 0 ? dispatcher : stages.get(index - 1);
        ChainEntry successor = index < stages.size() ? stages.get(index) : null;
        stageAndSwitch(entry, predecessor, successor);
        stages.add(index, entry);
        folder.commit(entry.name);
    }

    /**
     * Points {@code entry} at {@code successor} (none: the end of the chain), pins it staged, then switches
     * {@code predecessor} to it: the one write packets see. Its pins are renamed by the caller once the chain
     * records it.
     */
    private void stageAndSwitch(ChainEntry entry, ChainEntry predecessor, ChainEntry successor) {
        if (successor != null) {
            setNext(entry.next, successor.program);
        }
        folder.stage(entry.name, entry.program, entry.next);
        setNext(predecessor.next, entry.program); // the packet-visible switch
    }

    private void replace(ChainEntry old, ChainEntry fresh) {
        int index = stages.indexOf(old);
        ChainEntry predecessor = index == 0 ? dispatcher : stages.get(index - 1);
        ChainEntry successor = index + 1 < stages.size() ? stages.get(index + 1) : null;
        stageAndSwitch(fresh, predecessor, successor);
        stages.set(index, fresh);
        folder.commit(fresh.name);
        retired.retire("replaced stage '" + old.name + "' of pipeline '" + pipeline + "'", old);
    }

    private void remove(ChainEntry entry) {
        int index = stages.indexOf(entry);
        ChainEntry predecessor = index == 0 ? dispatcher : stages.get(index - 1);
        ChainEntry successor = index + 1 < stages.size() ? stages.get(index + 1) : null;
        if (successor != null) {
            setNext(predecessor.next, successor.program); // the packet-visible switch
        } else {
            predecessor.next.delete(KEY0);
        }
        stages.remove(index);
        folder.unpinStage(entry.name);
        retired.retire("removed stage '" + entry.name + "' of pipeline '" + pipeline + "'", entry);
    }

    private static void setNext(BpfMap table, BpfProgram program) {
        table.update(KEY0, Codec.U32.toBytes(program.fd()));
    }

    /** The program id a successor table holds, if any (adoption reads the chain from the kernel this way). */
    static Optional<Integer> successorId(BpfMap table) {
        return table.lookup(KEY0).map(Codec.U32::fromBytes);
    }

    /** Lets go of every descriptor; pinned programs and tables stay in the kernel and keep working. */
    @Override
    public void close() {
        stages.forEach(ChainEntry::close);
        stages.clear();
        dispatcher.close();
    }
}

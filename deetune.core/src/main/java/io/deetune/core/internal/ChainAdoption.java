package io.deetune.core.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfProgram;
import io.deetune.core.api.Hook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over the chain an earlier run left pinned under {@code <root>/<pipeline>/}, as a restarted core does: the
 * dispatcher, then each stage the successor tables lead to from it, with the slot and priority stage_meta recorded.
 * It settles what a run cut short left (a live program pinned only staged, staging leftovers) and unpins stages no
 * table leads to any more. Only the engine thread calls this class.
 */
final class ChainAdoption {

    private static final Logger LOG = LoggerFactory.getLogger(ChainAdoption.class);

    private final PipelineFolder folder;
    private final String pipeline;
    /** Problems of the pipeline (the "chain" entry is this class's). */
    private final Map<String, String> problems;

    ChainAdoption(PipelineFolder folder, String pipeline, Map<String, String> problems) {
        this.folder = folder;
        this.pipeline = pipeline;
        this.problems = problems;
    }

    /**
     * The dispatcher an earlier run pinned for {@code hook}, if any. Pins of a pipeline that ran another hook are
     * removed (the folder is left empty): nothing of such a chain fits this one.
     */
    Optional<BpfProgram> pinnedDispatcher(Hook hook) {
        Path pin = folder.resolve("dispatcher_prog");
        if (!Files.exists(pin)) {
            return Optional.empty();
        }
        BpfProgram pinned = BpfProgram.openPinned(pin);
        if (pinned.type() == Dispatcher.programType(hook)) {
            return Optional.of(pinned);
        }
        pinned.close();
        LOG.warn("pipeline '{}': pinned state is for another hook; removing it and starting anew", pipeline);
        folder.removeAll();
        folder.create();
        return Optional.empty();
    }

    /** The adopted dispatcher's chain entry, with its pinned successor table. */
    ChainEntry dispatcher(BpfProgram program) {
        return Chain.dispatcherEntry(program, BpfMap.openPinned(folder.resolve("dispatcher_next")), null);
    }

    /**
     * Follows the successor tables from {@code chain}'s dispatcher and appends every pinned stage they lead to. Where
     * a table leads to a program that is no pinned stage, the chain is adopted up to there and the rest is kept as
     * the kernel has it (a problem of the pipeline).
     *
     * @return the names of the stages adopted, in chain order
     */
    List<String> adoptStages(Chain chain, StatisticsSlots slots) {
        Map<Integer, String> stageByProgramId = programIds(folder.pinnedStages(), false);
        // A crash between a switch and the rename of its staged pins leaves the live program pinned only as @new.
        Map<Integer, String> stagedByProgramId = programIds(folder.stagedStages(), true);
        BpfMap cursor = chain.dispatcher().next;
        List<String> reached = new ArrayList<>();
        Optional<Integer> successor;
        while ((successor = Chain.successorId(cursor)).isPresent()) {
            int programId = successor.get();
            String stage = stageByProgramId.get(programId);
            if (stage == null && stagedByProgramId.containsKey(programId)) {
                stage = stagedByProgramId.get(programId);
                LOG.info("pipeline '{}': stage '{}' went live in a run that stopped before its pins were renamed; renaming them now", pipeline, stage);
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
            chain.appendAdopted(entry);
            cursor = entry.next;
        }
        folder.removeStagedLeftovers();
        for (String stage : folder.pinnedStages()) {
            if (!reached.contains(stage)) {
                LOG.info("pipeline '{}': unpinning stage '{}', which is no longer in the chain", pipeline, stage);
                folder.unpinStage(stage);
            }
        }
        return reached;
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
}

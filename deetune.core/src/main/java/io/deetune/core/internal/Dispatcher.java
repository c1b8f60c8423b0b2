package io.deetune.core.internal;

import io.deetune.bpf.BpfFs;
import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;
import io.deetune.core.api.Hook;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This core's dispatcher, the first program of every chain (dispatcher_xdp.bpf.c, dispatcher_tc.bpf.c): which one
 * a hook runs, and its load, which creates the pipeline's statistics map or shares the pinned one.
 */
final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private Dispatcher() {}

    /** The program type {@code hook} runs: XDP, or SCHED_CLS for TC; every stage of the chain must have it. */
    static int programType(Hook hook) {
        return hook == Hook.XDP ? BpfProgram.TYPE_XDP : BpfProgram.TYPE_SCHED_CLS;
    }

    /** The dispatcher program's name in its object. */
    static String programName(Hook hook) {
        return hook == Hook.XDP ? "deetune_xdp" : "deetune_tc";
    }

    /**
     * Loads the dispatcher of {@code hook}, sharing the pipeline's pinned statistics map (created if missing, and
     * created anew, counters from zero, if its definition changed).
     */
    static BpfObject load(Hook hook, PipelineFolder folder, String pipeline) {
        String resource = hook == Hook.XDP ? "bpf/dispatcher_xdp.bpf.o" : "bpf/dispatcher_tc.bpf.o";
        BpfObject object = BpfObject.open(Dispatcher.class, resource);
        try {
            Path statsPin = folder.resolve("stats");
            if (Files.exists(statsPin)) {
                try (BpfMap old = BpfMap.openPinned(statsPin)) {
                    if (!old.definition().compatibleWith(object.mapDefinitions().get("deetune_stats"))) {
                        LOG.warn("pipeline '{}': statistics map changed definition; counters start from zero", pipeline);
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
}

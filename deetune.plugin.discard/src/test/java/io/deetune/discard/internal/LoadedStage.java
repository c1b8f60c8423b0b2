package io.deetune.discard.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;
import io.deetune.core.api.StageMaps;
import java.util.Set;

/**
 * The discard stage's object loaded standalone (no pipeline): the real object from the bundle's resources and its
 * map seen through {@link StageMaps} as the core hands it over. With an empty deetune_next slot, a packet the stage
 * lets through ends in XDP_PASS (tc: TC_ACT_UNSPEC). Public for the commands' tests.
 */
public final class LoadedStage implements AutoCloseable {

    final BpfObject object;
    final BpfProgram program;
    public final StageMaps maps;

    public LoadedStage() {
        this(DiscardStage.OBJECT);
    }

    /** {@code resource}: {@link DiscardStage#OBJECT} (XDP) or {@link DiscardStage#TC_OBJECT} (tc). */
    LoadedStage(String resource) {
        object = BpfObject.open(LoadedStage.class, resource).load();
        program = object.program(DiscardStage.PROGRAM);
        maps = new StageMaps() {
            @Override public String stage() { return "discard"; }
            @Override public BpfMap map(String name) { return object.map(name); }
            @Override public Set<String> names() { return Set.of(DiscardStage.MAP); }
        };
    }

    /** The stage's verdict on one frame (BPF_PROG_TEST_RUN). */
    public int verdict(byte[] frame) {
        return program.testRun(frame).retval();
    }

    /** Runs {@code frame} through the stage {@code times} times. */
    public void send(byte[] frame, int times) {
        for (int i = 0; i < times; i++) {
            verdict(frame);
        }
    }

    @Override
    public void close() {
        object.close();
    }
}

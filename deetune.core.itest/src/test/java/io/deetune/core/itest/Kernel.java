package io.deetune.core.itest;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.Codec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** What the kernel holds for a pipeline, read through its pins (bpftool would show the same). */
final class Kernel {

    private final Path pipeline;

    Kernel(Path pipeline) {
        this.pipeline = pipeline;
    }

    /** The program id in the dispatcher's successor slot, 0 if empty. */
    int firstStageId() {
        Path next = pipeline.resolve("dispatcher_next");
        if (!Files.exists(next)) {
            return 0;
        }
        try (BpfMap map = BpfMap.openPinned(next)) {
            return map.lookup(Codec.U32.toBytes(0)).map(Codec.U32::fromBytes).orElse(0);
        }
    }

    int pinnedProgramId(String pin) {
        Path path = pipeline.resolve(pin);
        if (!Files.exists(path)) {
            return 0;
        }
        try (BpfProgram program = BpfProgram.openPinned(path)) {
            return program.id();
        }
    }

    int stageProgramId(String stage) {
        return pinnedProgramId("stage@" + stage + "@prog");
    }

    /** Sum over CPUs of the counters (continue, pass, drop, tx, redirect, aborted) of a statistics slot. */
    long[] stats(int slot) {
        try (BpfMap stats = BpfMap.openPinned(pipeline.resolve("stats"))) {
            long[] sum = new long[6];
            for (byte[] cpu : stats.lookupPerCpu(Codec.U32.toBytes(slot)).orElseThrow()) {
                ByteBuffer b = ByteBuffer.wrap(cpu).order(ByteOrder.nativeOrder());
                for (int i = 0; i < 6; i++) {
                    sum[i] += b.getLong();
                }
            }
            return sum;
        }
    }

    static long u64At(Path pinnedMap, int key) {
        try (BpfMap map = BpfMap.openPinned(pinnedMap)) {
            return map.typed(Codec.U32, Codec.U64).get(key).orElseThrow();
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}

package io.deetune.bpf;

import io.deetune.bpf.testing.Packets;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;

/**
 * What one call of the binding costs from Java, syscall included: a lookup of an existing key in a hash map and in
 * a per-CPU array, an update of an existing key, a batch walk of a 4096-entry hash map (what stats reads and the
 * LB's sweep do) and a BPF_PROG_TEST_RUN of one packet. One line per figure, the median of the rounds, as CPU time
 * of the calling thread (user and kernel: it holds on a machine whose cores other work shares, where elapsed time
 * counts the waits for a core too) and as elapsed time. Not a test: nothing about timing is asserted. Usage:
 * {@code MapCallBench [calls per round] [rounds]}.
 */
public final class MapCallBench {

    private static final int ENTRIES = 4096;
    private static final int KEY_SIZE = 16; // like a flow key
    private static final int VALUE_SIZE = 8;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static long sink;

    private MapCallBench() {}

    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        try (BpfMap hash = BpfMap.create(MapType.HASH, "bench_hash", KEY_SIZE, VALUE_SIZE, ENTRIES, 0);
                BpfMap perCpu = BpfMap.create(MapType.PERCPU_ARRAY, "bench_percpu", 4, VALUE_SIZE, 4, 0);
                BpfObject probe = BpfObject.open(MapCallBench.class, "bpf/probe.bpf.o").load()) {
            List<byte[]> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < ENTRIES; i++) {
                keys.add(key(i));
                values.add(Codec.U64.toBytes((long) i));
            }
            hash.updateBatch(keys, values, BpfMap.ANY);
            byte[] cpuKey = Codec.U32.toBytes(1);
            byte[] value = Codec.U64.toBytes(7L);
            BpfProgram program = probe.program("count_packets");
            byte[] packet = Packets.udp("10.1.0.1", 1234, "10.1.0.2", 80, new byte[16]);

            report("hash lookup", calls, rounds, i -> hash.lookup(keys.get(i & (ENTRIES - 1))).orElseThrow().length);
            report("per-CPU array lookup", calls, rounds, i -> perCpu.lookupPerCpu(cpuKey).orElseThrow().length);
            report("hash update", calls, rounds, i -> {
                hash.update(keys.get(i & (ENTRIES - 1)), value, BpfMap.EXIST);
                return 1;
            });
            report("hash batch lookup (4096 entries)", Math.max(1, calls / 200), rounds, i -> {
                int[] read = {0};
                hash.lookupBatches(BpfMap.BATCH_CHUNK, batch -> read[0] += batch.size());
                if (read[0] != ENTRIES) {
                    throw new IllegalStateException("the walk read " + read[0] + " entries, not " + ENTRIES);
                }
                return read[0];
            });
            report("test run (1 packet)", Math.max(1, calls / 4), rounds, i -> program.testRun(packet).retval());
        }
        System.out.println("(sink " + sink + ")");
    }

    private static byte[] key(int i) {
        byte[] key = new byte[KEY_SIZE];
        key[0] = (byte) i;
        key[1] = (byte) (i >>> 8);
        key[8] = 6;
        return key;
    }

    /** Runs {@code call} {@code calls} times per round, after one warm-up round, and prints the medians per call. */
    private static void report(String what, int calls, int rounds, IntUnaryOperator call) {
        long[] cpu = new long[rounds];
        long[] elapsed = new long[rounds];
        for (int round = -1; round < rounds; round++) {
            long startCpu = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                sink += call.applyAsInt(i);
            }
            if (round >= 0) {
                elapsed[round] = (System.nanoTime() - start) / calls;
                cpu[round] = (THREADS.getCurrentThreadCpuTime() - startCpu) / calls;
            }
        }
        Arrays.sort(cpu);
        Arrays.sort(elapsed);
        System.out.println(String.format(Locale.ROOT,
                "%-34s cpu median %,9d ns/call (min %,d, max %,d), elapsed median %,9d ns/call; %d rounds of %d calls",
                what, cpu[rounds / 2], cpu[0], cpu[rounds - 1], elapsed[rounds / 2], rounds, calls));
    }
}

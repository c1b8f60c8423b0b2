package io.deetune.core.internal;

import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.testing.Packets;
import io.deetune.bpf.testing.TestPins;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./deetune bench chain}: in-kernel cost of the chain (BPF_PROG_TEST_RUN ns/packet) for the harness floor,
 * the dispatcher alone and the dispatcher with 1, 2, 4 and 8 no-op stages; and the time from a stage's arrival to
 * its program being live in the chain. Prints a table and one RESULT line.
 */
public final class ChainBenchmark {

    private static final int REPEAT = 2_000_000;
    private static final int ROUNDS = 11;

    public static void main(String[] args) throws Exception {
        byte[] packet = Packets.udp("10.0.0.1", 1000, "10.0.0.2", 80, new byte[18]);
        TestPins pins = TestPins.create("bench-chain");
        Path root = pins.dir();
        List<String[]> rows = new ArrayList<>();
        double floor;
        try (BpfObject pass = BpfObject.open(TestStages.object("pass"), "pass").load()) {
            floor = median(pass.program("pass"), packet);
        }
        rows.add(new String[] {"floor (XDP_PASS program)", "-", fmt(floor), "-"});
        PipelineEngine engine = new PipelineEngine(root, 0);
        double[] byStages = new double[9];
        try {
            engine.configure(PipelineSpec.of("bench", "xdp", "auto", new String[0]));
            List<StageRegistration> added = new ArrayList<>();
            for (int stages : new int[] {0, 1, 2, 4, 8}) {
                while (added.size() < stages) {
                    int present = added.size() + 1;
                    StageRegistration registration = TestStages.registration(String.format("noop%02d", present), present, TestStages.plain("noop"));
                    engine.stageAdded(registration);
                    added.add(registration);
                }
                byStages[stages] = engine.withPipeline("bench", p -> median(p.dispatcherProgram(), packet));
                String perHop = stages == 0 ? "-" : fmt((byStages[stages] - byStages[0]) / stages);
                rows.add(new String[] {stages == 0 ? "dispatcher alone" : "dispatcher + " + stages + " no-op stage" + (stages > 1 ? "s" : ""),
                        Integer.toString(stages), fmt(byStages[stages]), perHop});
            }
            // The same registrations: the engine removes a stage only for the service object it placed.
            for (StageRegistration registration : added) {
                engine.stageRemoved(registration, true);
            }
        } finally {
            engine.close();
        }

        double[] liveMillis = stageLiveTimes(root);
        double hop = (byStages[8] - byStages[0]) / 8;

        System.out.println("Chain cost, BPF_PROG_TEST_RUN, median of " + ROUNDS + " runs x " + REPEAT + " repetitions ("
                + Runtime.getRuntime().availableProcessors() + " CPUs, kernel " + System.getProperty("os.version") + ")");
        System.out.printf("%-36s %7s %12s %12s%n", "program", "stages", "ns/packet", "ns/hop");
        for (String[] row : rows) {
            System.out.printf("%-36s %7s %12s %12s%n", (Object[]) row);
        }
        Arrays.sort(liveMillis);
        System.out.printf("stage arrival -> live in chain (load + verify + insert): median %.1f ms, min %.1f ms, max %.1f ms over %d stages%n",
                liveMillis[liveMillis.length / 2], liveMillis[0], liveMillis[liveMillis.length - 1], liveMillis.length);
        System.out.printf("RESULT chain hop_ns=%.2f floor_ns=%.2f stage_live_ms=%.1f%n", hop, floor, liveMillis[liveMillis.length / 2]);
        pins.close();
    }

    /** Time from a stage's arrival to its program being live, for 21 insertions into a fresh pipeline. */
    private static double[] stageLiveTimes(Path root) throws Exception {
        PipelineEngine engine = new PipelineEngine(root, 0);
        try {
            engine.configure(PipelineSpec.of("live", "xdp", "auto", new String[0]));
            double[] millis = new double[21];
            for (int i = 0; i < millis.length; i++) {
                TestStages.Tagger stage = new TestStages.Tagger('t', 0);
                long start = System.nanoTime();
                engine.stageAdded(TestStages.registration("timed", 100, stage));
                millis[i] = (System.nanoTime() - start) / 1e6;
                engine.stageRemoved(TestStages.registration("timed", 100, stage), true);
            }
            return millis;
        } finally {
            engine.removePipeline("live", true);
            engine.close();
        }
    }

    private static double median(BpfProgram program, byte[] packet) {
        program.testRun(packet, REPEAT / 10); // warm up
        double[] runs = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            runs[i] = program.testRun(packet, REPEAT).nanosPerRun();
        }
        Arrays.sort(runs);
        return runs[ROUNDS / 2];
    }

    private static String fmt(double ns) {
        return String.format("%.2f", ns);
    }
}

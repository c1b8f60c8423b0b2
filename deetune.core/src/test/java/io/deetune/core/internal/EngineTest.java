package io.deetune.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.TestRunResult;
import io.deetune.bpf.testing.Packets;
import io.deetune.bpf.testing.TestPins;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.StageInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Chain semantics, upgrades, adoption and bad input, checked with BPF_PROG_TEST_RUN through the dispatcher. */
class EngineTest {

    private TestPins pins;
    private Path root;
    private PipelineEngine engine;

    @BeforeEach
    void setUp() {
        pins = TestPins.create("engine");
        root = pins.dir();
        engine = new PipelineEngine(root, 100);
        engine.configure(PipelineSpec.of("t", "xdp", "auto", new String[0]));
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
        pins.close();
    }

    /** Runs a UDP packet to {@code port} through the whole chain; returns the verdict and the tags in order. */
    static Run run(PipelineEngine engine, int port) {
        byte[] packet = taggable(port);
        TestRunResult result = engine.withPipeline("t", p -> p.dispatcherProgram().testRun(packet));
        return Run.of(result);
    }

    /** A UDP test packet without checksum: the tagger stage records its tag in such packets only. */
    static byte[] taggable(int port) {
        byte[] packet = Packets.udp("10.0.0.1", 1000, "10.0.0.2", port, new byte[17]);
        Packets.putShort(packet, Packets.l4Offset(packet) + 6, 0);
        return packet;
    }

    record Run(int verdict, String tags) {
        static Run of(TestRunResult result) {
            byte[] out = result.output();
            int payload = Packets.l4Offset(out) + 8;
            int n = out[payload];
            StringBuilder tags = new StringBuilder();
            for (int i = 0; i < n; i++) {
                tags.append((char) out[payload + 1 + i]);
            }
            return new Run(result.retval(), tags.toString());
        }
    }

    private PipelineInfo info() {
        return engine.get("t").orElseThrow();
    }

    @Test
    void emptyChainPasses() {
        assertEquals(new Run(TestRunResult.XDP_PASS, ""), run(engine, 80));
        assertEquals(1, info().chain().size());
        assertEquals(1, info().chain().getFirst().stats().continued());
    }

    @Test
    void stagesRunInPriorityOrderThenName() {
        engine.stageAdded(TestStages.registration("alpha", 300, new TestStages.Tagger('a', 0)));
        engine.stageAdded(TestStages.registration("bravo", 100, new TestStages.Tagger('b', 0)));
        engine.stageAdded(TestStages.registration("charlie", 200, new TestStages.Tagger('c', 0)));
        engine.stageAdded(TestStages.registration("delta", 200, new TestStages.Tagger('d', 0)));
        assertEquals(new Run(TestRunResult.XDP_PASS, "bcda"), run(engine, 80));
        List<String> names = info().chain().stream().map(StageInfo::name).toList();
        assertEquals(List.of("dispatcher", "bravo", "charlie", "delta", "alpha"), names);
        for (StageInfo stage : info().chain()) {
            assertEquals(1, stage.stats().in(), stage.name());
            assertEquals(1, stage.stats().continued(), stage.name());
        }
    }

    @Test
    void dropEndsTheChain() {
        engine.stageAdded(TestStages.registration("first", 100, new TestStages.Tagger('1', 0)));
        engine.stageAdded(TestStages.registration("dropper", 200, new TestStages.Tagger('x', 53)));
        engine.stageAdded(TestStages.registration("last", 300, new TestStages.Tagger('3', 0)));
        assertEquals(new Run(TestRunResult.XDP_DROP, "1"), run(engine, 53));
        assertEquals(new Run(TestRunResult.XDP_PASS, "1x3"), run(engine, 54));
        StageInfo dropper = info().chain().get(2);
        assertEquals(1, dropper.stats().dropped());
        assertEquals(1, dropper.stats().continued());
        assertEquals(1, info().chain().get(3).stats().in());
    }

    @Test
    void removeAndUpgradeKeepOrderAndState() {
        TestStages.Tagger v1 = new TestStages.Tagger('m', 0);
        engine.stageAdded(TestStages.registration("first", 100, new TestStages.Tagger('1', 0)));
        engine.stageAdded(TestStages.registration("middle", 200, v1));
        engine.stageAdded(TestStages.registration("last", 300, new TestStages.Tagger('3', 0)));
        for (int i = 0; i < 5; i++) {
            run(engine, 80);
        }
        int oldProgram = info().chain().get(2).programId();
        // Upgrade: a new service of the same name replaces the program in place; its state map is kept.
        TestStages.Tagger v2 = new TestStages.Tagger('M', 0);
        engine.stageRemoved(TestStages.registration("middle", 200, v1), false);
        engine.stageAdded(TestStages.registration("middle", 200, v2));
        assertEquals(new Run(TestRunResult.XDP_PASS, "1M3"), run(engine, 80));
        assertNotEquals(oldProgram, info().chain().get(2).programId());
        assertEquals(5, v2.seenAtLoad.get(), "the upgraded stage sees the counts of its predecessor");
        assertEquals(1, v1.unloadingCalls.get());
        // Removal after the grace period.
        engine.stageRemoved(TestStages.registration("middle", 200, v2), false);
        assertEquals(new Run(TestRunResult.XDP_PASS, "1M3"), run(engine, 80), "still in during the grace period");
        sleep(300);
        assertEquals(new Run(TestRunResult.XDP_PASS, "13"), run(engine, 80));
        assertFalse(Files.exists(root.resolve("t/stage@middle@prog")));
    }

    @Test
    void priorityChangeMovesTheStage() {
        TestStages.Tagger a = new TestStages.Tagger('a', 0);
        engine.stageAdded(TestStages.registration("a", 100, a));
        engine.stageAdded(TestStages.registration("b", 200, new TestStages.Tagger('b', 0)));
        assertEquals("ab", run(engine, 80).tags());
        engine.stageAdded(TestStages.registration("a", 300, a));
        assertEquals("ba", run(engine, 80).tags());
    }

    @Test
    void uninstallUnpinsStateMaps() {
        TestStages.Tagger t = new TestStages.Tagger('u', 0);
        engine.stageAdded(TestStages.registration("gone", 100, t));
        assertTrue(Files.exists(root.resolve("stages/gone/seen")));
        engine.stageRemoved(TestStages.registration("gone", 100, t), true);
        assertEquals("", run(engine, 80).tags());
        assertFalse(Files.exists(root.resolve("stages/gone")));
    }

    @Test
    void badStagesLeaveTheChainUntouched() {
        engine.stageAdded(TestStages.registration("good", 100, new TestStages.Tagger('g', 0)));
        engine.stageAdded(TestStages.registration("rejected", 150, TestStages.plain("rejected")));
        engine.stageAdded(TestStages.registration("noprog", 160, new TestStages.Tagger('n', 0) {
            @Override
            public String program() {
                return "missing_program";
            }
        }));
        assertEquals(new Run(TestRunResult.XDP_PASS, "g"), run(engine, 80));
        PipelineInfo info = info();
        assertEquals(2, info.chain().size());
        assertTrue(info.problems().get("stage rejected").contains("invalid access to packet"), info.problems().toString());
        assertTrue(info.problems().get("stage noprog").contains("has no program 'missing_program'"), info.problems().toString());
    }

    @Test
    void adoptionKeepsTheChainAcrossRestarts() throws Exception {
        engine.stageAdded(TestStages.registration("one", 100, new TestStages.Tagger('1', 0)));
        engine.stageAdded(TestStages.registration("two", 200, new TestStages.Tagger('2', 0)));
        run(engine, 80);
        List<Integer> programs = info().chain().stream().map(StageInfo::programId).toList();
        engine.close(); // a JVM or core stop: nothing leaves the kernel
        engine = null;

        try (BpfProgram dispatcher = BpfProgram.openPinned(root.resolve("t/dispatcher_prog"))) {
            assertEquals(new Run(TestRunResult.XDP_PASS, "12"), Run.of(dispatcher.testRun(taggable(80))));
        }

        engine = new PipelineEngine(root, 100);
        engine.configure(PipelineSpec.of("t", "xdp", "auto", new String[0]));
        PipelineInfo adopted = info();
        assertEquals(programs, adopted.chain().stream().map(StageInfo::programId).toList());
        assertTrue(adopted.chain().stream().allMatch(StageInfo::adopted));
        assertEquals(2, adopted.chain().get(1).stats().in(), "counters continue");
        assertEquals("12", run(engine, 80).tags());

        TestStages.Tagger back = new TestStages.Tagger('!', 0);
        engine.stageAdded(TestStages.registration("two", 200, back));
        assertEquals("1!", run(engine, 80).tags());
        assertEquals(3, back.seenAtLoad.get());
        assertFalse(info().chain().get(2).adopted());
        assertTrue(info().chain().get(1).adopted());
    }

    @Test
    void chainChangesUnderTestRunsGiveOnlyValidResults() throws Exception {
        engine.stageAdded(TestStages.registration("a", 100, new TestStages.Tagger('a', 0)));
        engine.stageAdded(TestStages.registration("c", 300, new TestStages.Tagger('c', 0)));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> invalid = new AtomicReference<>();
        List<String> seen = new ArrayList<>();
        // Test runs go on while stage b is inserted, upgraded and removed; every run must see a whole chain.
        byte[] packet = taggable(80);
        BpfProgram dispatcher = BpfProgram.openPinned(root.resolve("t/dispatcher_prog"));
        Thread runner = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                Run r = Run.of(dispatcher.testRun(packet));
                if (r.verdict() != TestRunResult.XDP_PASS || !(r.tags().equals("ac") || r.tags().equals("abc") || r.tags().equals("aBc"))) {
                    invalid.compareAndSet(null, r.toString());
                }
                synchronized (seen) {
                    if (!seen.contains(r.tags())) {
                        seen.add(r.tags());
                    }
                }
            }
        });
        try {
            for (int i = 0; i < 10; i++) {
                TestStages.Tagger b = new TestStages.Tagger('b', 0);
                TestStages.Tagger upper = new TestStages.Tagger('B', 0);
                engine.stageAdded(TestStages.registration("b", 200, b));
                engine.stageRemoved(TestStages.registration("b", 200, b), false);
                engine.stageAdded(TestStages.registration("b", 200, upper));
                engine.stageRemoved(TestStages.registration("b", 200, upper), true);
            }
        } finally {
            stop.set(true);
            runner.join();
            dispatcher.close();
        }
        assertEquals(null, invalid.get());
        assertTrue(seen.contains("ac"), seen.toString());
    }

    @Test
    void badPipelineConfigurationIsRejected() {
        IllegalArgumentException name = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PipelineSpec.of("Bad Name", "xdp", "auto", new String[0]));
        assertTrue(name.getMessage().contains("bad pipeline name 'Bad Name'"));
        IllegalArgumentException hook = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PipelineSpec.of("p", "xdp2", "auto", new String[0]));
        assertTrue(hook.getMessage().contains("unknown hook 'xdp2'"));
        IllegalArgumentException mode = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PipelineSpec.of("p", "xdp", "fast", new String[0]));
        assertTrue(mode.getMessage().contains("unknown XDP mode 'fast'"));
        IllegalArgumentException twice = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PipelineSpec.of("p", "xdp", "auto", new String[] {"ns1:eth0", "ns1:eth0"}));
        assertTrue(twice.getMessage().contains("listed twice"));
        IllegalArgumentException stage = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TestStages.registration("Bad-Name", 1, TestStages.plain("noop")));
        assertTrue(stage.getMessage().contains("bad stage name 'Bad-Name'"));
    }

    @Test
    void missingInterfacesAreReportedAndTheRestAttaches() {
        engine.configure(PipelineSpec.of("t", "xdp", "auto", new String[] {"no-such-ns:eth0", "nosuch0"}));
        PipelineInfo info = info();
        assertTrue(info.interfaces().isEmpty());
        assertTrue(info.problems().get("interface no-such-ns:eth0").contains("network namespace 'no-such-ns' does not exist"), info.problems().toString());
        assertTrue(info.problems().get("interface nosuch0").contains("no interface 'nosuch0'"), info.problems().toString());
        assertEquals(TestRunResult.XDP_PASS, run(engine, 80).verdict());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void tcPipelinesChainTcStagesOnly() {
        engine.configure(PipelineSpec.of("tc", "tc-egress", "auto", new String[0]));
        engine.stageAdded(new StageRegistration("marker", 100, io.deetune.core.api.Hook.TC_EGRESS, TestStages.plain("tc_marker"), 1));
        engine.stageAdded(TestStages.registration("xdponly", 100, new TestStages.Tagger('x', 0)));
        PipelineInfo tc = engine.get("tc").orElseThrow();
        assertEquals(List.of("dispatcher", "marker"), tc.chain().stream().map(StageInfo::name).toList());
        assertEquals(List.of("dispatcher", "xdponly"), info().chain().stream().map(StageInfo::name).toList());
        int shot = engine.withPipeline("tc", p -> p.dispatcherProgram().testRun(Packets.udp("10.0.0.1", 1, "10.0.0.2", 9, new byte[8])).retval());
        int ok = engine.withPipeline("tc", p -> p.dispatcherProgram().testRun(Packets.udp("10.0.0.1", 1, "10.0.0.2", 10, new byte[8])).retval());
        assertEquals(2, shot, "TC_ACT_SHOT");
        assertEquals(TestRunResult.TC_ACT_UNSPEC, ok, "TC_ACT_UNSPEC (tcx next) at the end of the chain");
        StageInfo marker = engine.get("tc").orElseThrow().chain().get(1);
        assertEquals(1, marker.stats().dropped());
        assertEquals(1, marker.stats().continued());
        engine.removePipeline("tc", true);
    }

    @Test
    void workRunsOnTheEngineThreadEvenForACallerOfTheSameName() throws Exception {
        // Another engine's thread (every engine names its thread alike) or any thread called so must not run the
        // engine's work itself, beside the engine's own thread.
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Thread namesake = Thread.ofPlatform().name("deetune-pipeline").start(
                () -> ranOn.set(engine.withPipeline("t", p -> Thread.currentThread())));
        namesake.join();
        assertNotEquals(namesake, ranOn.get());
        assertEquals("deetune-pipeline", ranOn.get().getName());
    }

    @Test
    void aChainTakesAtMost33StagesAndRefusesTheNextClearly() {
        io.deetune.core.api.Stage noop = TestStages.plain("noop");
        for (int i = 1; i <= 33; i++) {
            engine.stageAdded(TestStages.registration(String.format("s%02d", i), i, noop));
        }
        run(engine, 80);
        assertEquals(1, info().chain().get(33).stats().in(), "the 33rd stage (the 33rd tail call) still runs");
        engine.stageAdded(TestStages.registration("s34", 34, TestStages.plain("noop")));
        engine.stageAdded(TestStages.registration("s00", 0, TestStages.plain("noop")));
        PipelineInfo info = info();
        assertEquals(34, info.chain().size(), "dispatcher + 33 stages: " + info.chain().stream().map(StageInfo::name).toList());
        assertTrue(info.problems().get("stage s34").contains("at most 33 stages"), info.problems().toString());
        assertTrue(info.problems().get("stage s00").contains("at most 33 stages"), info.problems().toString());
        run(engine, 80);
        assertEquals(2, info().chain().get(33).stats().in(), "the chain's tail still runs");
        // A stage already in the chain can still be upgraded.
        engine.stageRemoved(TestStages.registration("s33", 33, noop), false);
        engine.stageAdded(TestStages.registration("s33", 33, new TestStages.Tagger('z', 0)));
        assertEquals("z", run(engine, 80).tags());
    }

    @Test
    void aStageGetsItsMapsBeforeItIsReachable() {
        // A stage that fills its maps in loaded() (the firewall's rules) must not see packets before it has: at
        // loaded(), a packet through the live chain does not reach it yet.
        AtomicReference<String> tagsAtLoad = new AtomicReference<>();
        TestStages.Tagger late = new TestStages.Tagger('x', 0) {
            @Override
            public void loaded(io.deetune.core.api.StageMaps maps) {
                super.loaded(maps);
                try (BpfProgram live = BpfProgram.openPinned(root.resolve("t/dispatcher_prog"))) {
                    tagsAtLoad.set(Run.of(live.testRun(taggable(80))).tags());
                }
            }
        };
        engine.stageAdded(TestStages.registration("first", 100, new TestStages.Tagger('1', 0)));
        engine.stageAdded(TestStages.registration("late", 200, late));
        assertEquals("1", tagsAtLoad.get(), "the chain as it was before the stage went live");
        assertEquals("1x", run(engine, 80).tags());
    }

    /** A tagger whose state map size is a load-time setting, declared as its definition. */
    static final class SizedTagger extends TestStages.Tagger {
        volatile int seenEntries = 1;
        volatile io.deetune.core.api.StageMaps lastMaps;

        SizedTagger() {
            super('s', 0);
        }

        @Override
        public void configure(io.deetune.bpf.BpfObject object) {
            super.configure(object);
            object.setMaxEntries("seen", seenEntries);
        }

        @Override
        public Object definition() {
            return seenEntries;
        }

        @Override
        public void loaded(io.deetune.core.api.StageMaps maps) {
            super.loaded(maps);
            lastMaps = maps;
        }
    }

    @Test
    void onlyADefiningChangeReplacesTheStage() {
        SizedTagger stage = new SizedTagger();
        engine.stageAdded(StageRegistration.of(stage, java.util.Map.of(io.deetune.core.api.Stage.NAME, "sized",
                io.deetune.core.api.Stage.PRIORITY, 100, "some.setting", "1"), 1));
        int program = info().chain().get(1).programId();
        // A configuration change that DS copies into the service properties: nothing the program is built from.
        engine.stageAdded(StageRegistration.of(stage, java.util.Map.of(io.deetune.core.api.Stage.NAME, "sized",
                io.deetune.core.api.Stage.PRIORITY, 100, "some.setting", "2"), 1));
        assertEquals(program, info().chain().get(1).programId(), "the same program stays in the chain");
        assertEquals(1, stage.loadedCalls.get());
        assertEquals(0, stage.unloadingCalls.get());
        run(engine, 80);

        // A change of what the stage declares as its definition (a map size) loads it again, with a new map that
        // is handed to it before it goes live.
        stage.seenEntries = 4;
        engine.stageAdded(StageRegistration.of(stage, java.util.Map.of(io.deetune.core.api.Stage.NAME, "sized",
                io.deetune.core.api.Stage.PRIORITY, 100, "some.setting", "2"), 1));
        assertNotEquals(program, info().chain().get(1).programId());
        assertEquals(2, stage.loadedCalls.get(), "the new maps are handed over");
        assertEquals(1, stage.unloadingCalls.get(), "the old ones are taken back");
        assertEquals(4, stage.lastMaps.map("seen").definition().maxEntries());
        assertEquals("s", run(engine, 80).tags());
        assertEquals(1, stage.lastMaps.map("seen").typed(io.deetune.bpf.Codec.U32, io.deetune.bpf.Codec.U64).get(0).orElseThrow(),
                "the live program counts in the map the stage holds");
    }

    @Test
    void aStageTakenOutKeepsItsSuccessorForAGracePeriod() throws Exception {
        engine.close();
        engine = new PipelineEngine(root, 100, 1500);
        engine.configure(PipelineSpec.of("t", "xdp", "auto", new String[0]));
        TestStages.Tagger m = new TestStages.Tagger('m', 0);
        engine.stageAdded(TestStages.registration("a", 100, new TestStages.Tagger('a', 0)));
        engine.stageAdded(TestStages.registration("m", 200, m));
        engine.stageAdded(TestStages.registration("c", 300, new TestStages.Tagger('c', 0)));
        // A packet that entered the old m just before a replace (and, below, a removal) is still inside it: run
        // the old program itself (held by program id only, which keeps no successor table alive).
        for (boolean removal : new boolean[] {false, true}) {
            try (BpfProgram old = BpfProgram.fromId(info().chain().get(2).programId())) {
                if (removal) {
                    engine.stageRemoved(TestStages.registration("m", 200, m), true);
                    assertEquals("ac", run(engine, 80).tags());
                } else {
                    TestStages.Tagger upgraded = new TestStages.Tagger('M', 0);
                    engine.stageRemoved(TestStages.registration("m", 200, m), false);
                    engine.stageAdded(TestStages.registration("m", 200, upgraded));
                    m = upgraded;
                    assertEquals("aMc", run(engine, 80).tags());
                }
                Thread.sleep(200); // time for the kernel to empty a released successor table, were it released
                String tag = removal ? "M" : "m";
                assertEquals(tag + "c", Run.of(old.testRun(taggable(80))).tags(), "the old stage still continues the chain");
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!Run.of(old.testRun(taggable(80))).tags().equals(tag) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(tag, Run.of(old.testRun(taggable(80))).tags(), "released after the grace period");
            }
        }
    }

    @Test
    void adoptionUpgradesADispatcherOfAnotherVersion() throws Exception {
        engine.stageAdded(TestStages.registration("one", 100, new TestStages.Tagger('1', 0)));
        engine.close();
        engine = null;
        // Make the pinned pipeline look like an older core's: its dispatcher is another program (a tagger 'o')
        // whose successor is stage one.
        try (io.deetune.bpf.BpfObject old = io.deetune.bpf.BpfObject.open(TestStages.object("tagger"), "old");
             BpfProgram one = BpfProgram.openPinned(root.resolve("t/stage@one@prog"));
             io.deetune.bpf.BpfMap stats = io.deetune.bpf.BpfMap.openPinned(root.resolve("t/stats"))) {
            old.setConstant("tag", new byte[] {'o'}).reuseMap("deetune_stats", stats).load();
            old.map("deetune_next").update(io.deetune.bpf.Codec.U32.toBytes(0), io.deetune.bpf.Codec.U32.toBytes(one.fd()));
            Files.delete(root.resolve("t/dispatcher_prog"));
            Files.delete(root.resolve("t/dispatcher_next"));
            old.program("tagger").pin(root.resolve("t/dispatcher_prog"));
            old.map("deetune_next").pin(root.resolve("t/dispatcher_next"));
        }
        try (BpfProgram pinned = BpfProgram.openPinned(root.resolve("t/dispatcher_prog"))) {
            assertEquals("o1", Run.of(pinned.testRun(taggable(80))).tags());
        }

        engine = new PipelineEngine(root, 100);
        engine.configure(PipelineSpec.of("t", "xdp", "auto", new String[0]));
        assertEquals("1", run(engine, 80).tags(), "this core's dispatcher replaced the old one, the chain behind it kept");
        try (BpfProgram pinned = BpfProgram.openPinned(root.resolve("t/dispatcher_prog"))) {
            assertEquals("deetune_xdp", pinned.name());
        }
    }
}

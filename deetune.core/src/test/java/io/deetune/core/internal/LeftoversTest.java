package io.deetune.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.testing.NetLab;
import io.deetune.bpf.testing.TestPins;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.StageInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a crash or a lost configuration leaves in the kernel: pipelines that failed to open, pipelines pinned with
 * no configuration, and staging pins of a change that was cut short. All are visible and can be removed.
 */
class LeftoversTest {

    @Test
    void aPipelineThatFailsToOpenIsListedWithItsProblem() throws IOException {
        try (TestPins pins = TestPins.create("failed")) {
            Path root = pins.resolve("root");
            Files.createDirectory(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx")); // refused as pin root
            PipelineEngine engine = new PipelineEngine(root, 100);
            try {
                assertThrows(RuntimeException.class, () -> engine.configure(PipelineSpec.of("f", "xdp", "auto", new String[0])));
                PipelineInfo info = engine.get("f").orElseThrow(() -> new AssertionError("a failed pipeline is not listed"));
                assertTrue(info.problems().get("pipeline").startsWith("failed to open: "), info.problems().toString());
                assertEquals(List.of("f"), engine.list().stream().map(PipelineInfo::name).toList());
                engine.removePipeline("f", true); // its configuration deleted
                assertEquals(List.of(), engine.list());
            } finally {
                engine.close();
            }
        }
    }

    @Test
    void aPinnedPipelineWithoutConfigurationIsListedAsOrphanedAndDetachRemovesIt() {
        try (NetLab lab = new NetLab(); TestPins pins = TestPins.create("orphan")) {
            String a = lab.namespace("orph-a");
            String b = lab.namespace("orph-b");
            lab.veth(a, "veth-a", "10.213.0.1/24", b, "veth-b", "10.213.0.2/24");
            PipelineEngine first = new PipelineEngine(pins.dir(), 100);
            first.configure(PipelineSpec.of("gone", "xdp", "generic", new String[] {a + ":veth-a"}));
            first.close(); // Karaf stops; its configuration is then deleted while it is down
            assertTrue(lab.exec(a, "ip", "link", "show", "veth-a").contains("xdp"), "still attached while the JVM is gone");

            PipelineEngine second = new PipelineEngine(pins.dir(), 100);
            try {
                PipelineInfo orphan = second.get("gone").orElseThrow(() -> new AssertionError("an orphaned pipeline is invisible"));
                assertEquals(List.of(a + ":veth-a"), orphan.interfaces());
                assertTrue(orphan.problems().get("pipeline").startsWith("orphaned"), orphan.problems().toString());
                assertEquals(List.of("gone"), second.list().stream().map(PipelineInfo::name).toList());

                assertFalse(second.removeOrphan("nothing"), "no such pipeline");
                assertTrue(second.removeOrphan("gone"));
                assertFalse(lab.exec(a, "ip", "link", "show", "veth-a").contains("xdp"), "detached");
                assertFalse(Files.exists(pins.resolve("gone")), "its pins are gone");
                assertEquals(List.of(), second.list());
            } finally {
                second.close();
            }
        }
    }

    @Test
    void stagingPinsOfACutShortChangeAreSettledOnAdoption() throws IOException {
        try (TestPins pins = TestPins.create("staged")) {
            PipelineEngine engine = new PipelineEngine(pins.dir(), 100);
            engine.configure(PipelineSpec.of("t", "xdp", "auto", new String[0]));
            engine.stageAdded(TestStages.registration("one", 100, new TestStages.Tagger('1', 0)));
            List<Integer> programs = engine.get("t").orElseThrow().chain().stream().map(StageInfo::programId).toList();
            engine.close();

            Path dir = pins.resolve("t");
            // A crash after the switch of stage 'one' but before its pins were renamed: it is pinned only as @new.
            Files.move(dir.resolve("stage@one@prog"), dir.resolve("stage@one@prog@new"));
            Files.move(dir.resolve("stage@one@next"), dir.resolve("stage@one@next@new"));
            // And a change that never went live: a program pinned under a staging name only.
            try (BpfProgram dispatcher = BpfProgram.openPinned(dir.resolve("dispatcher_prog"))) {
                dispatcher.pin(dir.resolve("stage@never@prog@new"));
            }

            engine = new PipelineEngine(pins.dir(), 100);
            try {
                engine.configure(PipelineSpec.of("t", "xdp", "auto", new String[0]));
                PipelineInfo adopted = engine.get("t").orElseThrow();
                assertEquals(programs, adopted.chain().stream().map(StageInfo::programId).toList(), "the live chain is adopted whole");
                assertEquals(java.util.Map.of(), adopted.problems());
                assertTrue(Files.exists(dir.resolve("stage@one@prog")) && Files.exists(dir.resolve("stage@one@next")));
                try (Stream<Path> files = Files.list(dir)) {
                    assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("@new")).toList());
                }
                assertEquals("1", EngineTest.run(engine, 80).tags());
            } finally {
                engine.close();
            }
        }
    }
}

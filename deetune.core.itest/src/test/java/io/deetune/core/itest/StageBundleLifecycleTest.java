package io.deetune.core.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.TestRunResult;
import io.deetune.bpf.testing.Packets;
import io.deetune.bpf.testing.TestPins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/** A stage bundle's start, stop, update and uninstall change the live chain, with no restart. */
class StageBundleLifecycleTest {

    private TestPins pins;
    private Felix felix;
    private Kernel kernel;

    @BeforeEach
    void start() throws Exception {
        pins = TestPins.create("osgi");
        felix = new Felix(Path.of("target/felix-lifecycle"), true);
        felix.startPlatform();
        felix.startCore(pins.dir(), Map.of("hook", "xdp"));
        kernel = new Kernel(pins.resolve("it"));
        Kernel.await("the pipeline exists", () -> Files.exists(pins.resolve("it/dispatcher_prog")));
    }

    @AfterEach
    void stop() throws Exception {
        felix.close();
        pins.close();
    }

    private int verdict(int port) {
        try (BpfProgram dispatcher = BpfProgram.openPinned(pins.resolve("it/dispatcher_prog"))) {
            return dispatcher.testRun(Packets.udp("10.0.0.1", 1000, "10.0.0.2", port, new byte[8])).retval();
        }
    }

    private long hits() {
        return Kernel.u64At(pins.resolve("stages/itest/hits"), 0);
    }

    @Test
    void startStopUpdateUninstall() throws Exception {
        assertEquals(0, kernel.firstStageId(), "empty chain");
        assertEquals(TestRunResult.XDP_PASS, verdict(9));

        Bundle stage = felix.install("deetune.itest.stage");
        stage.start();
        Kernel.await("the stage is live", () -> kernel.firstStageId() != 0 && kernel.firstStageId() == kernel.stageProgramId("itest"));
        assertEquals(TestRunResult.XDP_DROP, verdict(9));
        assertEquals(TestRunResult.XDP_PASS, verdict(80));
        assertEquals(2, hits());

        stage.stop();
        Kernel.await("the stopped stage leaves the chain", () -> kernel.firstStageId() == 0);
        assertEquals(TestRunResult.XDP_PASS, verdict(9));
        assertTrue(Files.exists(pins.resolve("stages/itest/hits")), "a stopped plugin keeps its state");

        stage.start();
        Kernel.await("the restarted stage is live", () -> kernel.firstStageId() != 0);
        assertEquals(TestRunResult.XDP_DROP, verdict(9));
        assertEquals(3, hits(), "state survived the stop");

        int before = kernel.firstStageId();
        stage.update(); // what Karaf's deploy folder does when a newer jar replaces the old one
        Kernel.await("the updated stage replaced the old program", () -> {
            int now = kernel.firstStageId();
            return now != 0 && now != before && now == kernel.stageProgramId("itest");
        });
        assertNotEquals(before, kernel.firstStageId());
        assertEquals(3, hits(), "the update kept the pinned state map");
        assertEquals(TestRunResult.XDP_DROP, verdict(9));
        assertEquals(4, hits());

        stage.uninstall();
        Kernel.await("the uninstalled stage leaves the chain", () -> kernel.firstStageId() == 0);
        Kernel.await("its state maps are unpinned", () -> !Files.exists(pins.resolve("stages/itest")));
        assertFalse(Files.exists(pins.resolve("it/stage@itest@prog")));
        assertEquals(TestRunResult.XDP_PASS, verdict(9));
    }
}

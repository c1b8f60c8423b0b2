package io.deetune.core.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfLink;
import io.deetune.bpf.NetNs;
import io.deetune.bpf.testing.NetLab;
import io.deetune.bpf.testing.TestPins;
import io.deetune.bpf.testing.UdpTraffic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping the core bundle, or the whole framework, leaves the data plane working; starting again adopts it: the
 * same dispatcher stays attached (no second attachment) and the counters continue.
 */
class RestartAdoptionTest {

    private static final int PORT = 7000;
    private static final int MARKED_PORT = 9;

    private NetLab lab;
    private String client;
    private String server;
    private TestPins pins;
    private Path storage;
    private Kernel kernel;

    @BeforeEach
    void setUp() {
        lab = new NetLab();
        NetLab.Pair hosts = lab.pair("10.220.0");
        client = hosts.client();
        server = hosts.server();
        pins = TestPins.create("restart");
        storage = Path.of("target/felix-restart");
        kernel = new Kernel(pins.resolve("it"));
    }

    @AfterEach
    void tearDown() {
        lab.close();
        pins.close();
    }

    private Felix startFramework(boolean fresh) throws Exception {
        Felix felix = new Felix(storage, fresh);
        felix.startPlatform();
        if (fresh) {
            felix.startCore(pins.dir(), Map.of("hook", "xdp", "xdp.mode", "native", "interfaces", new String[] {server + ":veth-s"}));
            felix.install("deetune.itest.stage").start();
        } else {
            felix.bundle("io.deetune.core").start();
            felix.bundle("io.deetune.itest.stage").start();
        }
        return felix;
    }

    /** Sends to the open and the marked port; returns how many of the open port's datagrams arrived. */
    private int trafficPasses() throws Exception {
        try (UdpTraffic.Receiver open = new UdpTraffic.Receiver(server, "10.220.0.2", PORT);
             UdpTraffic.Receiver marked = new UdpTraffic.Receiver(server, "10.220.0.2", MARKED_PORT)) {
            UdpTraffic.send(client, "10.220.0.2", PORT, 50, 0);
            UdpTraffic.send(client, "10.220.0.2", MARKED_PORT, 50, 0);
            int arrived = open.awaitCount(50, 3000);
            Thread.sleep(100);
            assertEquals(0, marked.received(), "the stage still drops the marked port");
            return arrived;
        }
    }

    private int attachedProgram() {
        return NetNs.get(server, () -> BpfLink.queryXdp(NetNs.ifindexHere("veth-s", server)).programId());
    }

    private long linkPins() throws Exception {
        try (Stream<Path> files = Files.list(pins.resolve("it"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("link@")).count();
        }
    }

    @Test
    void coreStopAndFrameworkRestartKeepTheDataPlane() throws Exception {
        Felix felix = startFramework(true);
        try {
            Kernel.await("the stage is live", () -> kernel.firstStageId() != 0);
            int dispatcher = kernel.pinnedProgramId("dispatcher_prog");
            assertEquals(dispatcher, attachedProgram());
            assertEquals(50, trafficPasses());
            long droppedBefore = kernel.stats(1)[2];
            assertEquals(50, droppedBefore);

            felix.bundle("io.deetune.core").stop();
            assertEquals(50, trafficPasses(), "with the core stopped, the pinned chain carries traffic");
            assertEquals(dispatcher, attachedProgram());

            felix.bundle("io.deetune.core").start();
            Kernel.await("the stage is replaced by a fresh instance", () -> kernel.firstStageId() != 0);
            assertEquals(dispatcher, attachedProgram(), "the core adopted the attachment instead of making another");
            assertEquals(1, linkPins());
            assertEquals(50, trafficPasses());
            assertEquals(150, kernel.stats(1)[2], "counters continue across the core restart");
        } finally {
            felix.close(); // the whole framework stops, as on a Karaf shutdown
        }

        int dispatcher = kernel.pinnedProgramId("dispatcher_prog");
        assertEquals(50, trafficPasses(), "with no framework at all, the pinned chain carries traffic");
        assertEquals(dispatcher, attachedProgram());

        Felix again = startFramework(false);
        try {
            Kernel.await("the stage is back", () -> kernel.firstStageId() == kernel.stageProgramId("itest"));
            assertEquals(dispatcher, attachedProgram(), "adopted, not attached twice");
            assertEquals(1, linkPins());
            assertEquals(50, trafficPasses());
            assertTrue(kernel.stats(1)[2] >= 250, "counters continue across the framework restart");
            again.deleteFactory("io.deetune.pipeline", "it");
            Kernel.await("deleting the configuration detaches the pipeline", () -> attachedProgram() == 0);
        } finally {
            again.close();
        }
    }
}

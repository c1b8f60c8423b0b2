package io.deetune.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfLink;
import io.deetune.bpf.NetNs;
import io.deetune.bpf.testing.NetLab;
import io.deetune.bpf.testing.TestPins;
import io.deetune.bpf.testing.UdpTraffic;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.StageInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real traffic between namespaces through an attached pipeline: zero loss under chain changes, and adoption. */
class TrafficTest {

    private static final int PORT = 7000;
    private static final int MARKED_PORT = 9;
    /** One datagram every 100 µs: well below what this 2-core machine's veth path and receiver can take. */
    private static final long GAP_NANOS = 100_000;

    private NetLab lab;
    private String client;
    private String server;
    private TestPins pins;
    private Path root;
    private PipelineEngine engine;

    @BeforeEach
    void setUp() {
        lab = new NetLab();
        NetLab.Pair hosts = lab.pair("10.210.0");
        client = hosts.client();
        server = hosts.server();
        pins = TestPins.create("traffic");
        root = pins.dir();
        engine = new PipelineEngine(root, 100);
        engine.configure(PipelineSpec.of("t", "xdp", "native", new String[] {server + ":veth-s"}));
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
        lab.close();
        pins.close();
    }

    private long rcvbufErrors() {
        String out = lab.exec(server, "nstat", "-asz", "UdpRcvbufErrors");
        return out.lines().filter(l -> l.startsWith("UdpRcvbufErrors")).mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[1])).sum();
    }

    private StageInfo stage(String name) {
        PipelineInfo info = engine.get("t").orElseThrow();
        return info.chain().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private record StreamResult(int sent, int lost, long rcvbufDrops, int cycles) {}

    private StreamResult stream(int cycles, boolean swap) throws Exception {
        long rcvbufBefore = rcvbufErrors();
        try (UdpTraffic.Receiver receiver = new UdpTraffic.Receiver(server, "10.210.0.2", PORT);
             UdpTraffic.Receiver marked = new UdpTraffic.Receiver(server, "10.210.0.2", MARKED_PORT)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            Thread sender = Thread.ofPlatform().start(() -> sent.set(
                    UdpTraffic.sendWhile(client, "10.210.0.2", PORT, () -> !stop.get(), GAP_NANOS)));
            Thread.sleep(200);
            for (int i = 0; i < cycles; i++) {
                if (swap) {
                    // insert, upgrade in place, remove: each one map update on the live path
                    TestStages.Tagger dropper = new TestStages.Tagger('d', MARKED_PORT);
                    engine.stageAdded(TestStages.registration("dropper", 100, dropper));
                    if (i % 20 == 0) {
                        long droppedBefore = stage("dropper").stats().dropped();
                        UdpTraffic.send(client, "10.210.0.2", MARKED_PORT, 5, 0);
                        Thread.sleep(50);
                        assertEquals(droppedBefore + 5, stage("dropper").stats().dropped(), "the dropper works as soon as it is in");
                    }
                    TestStages.Tagger upgraded = new TestStages.Tagger('D', MARKED_PORT);
                    engine.stageRemoved(TestStages.registration("dropper", 100, dropper), false);
                    engine.stageAdded(TestStages.registration("dropper", 100, upgraded));
                    engine.stageRemoved(TestStages.registration("dropper", 100, upgraded), true);
                } else {
                    Thread.sleep(30);
                }
            }
            Thread.sleep(200);
            stop.set(true);
            sender.join();
            receiver.awaitCount(sent.get(), 3000);
            Thread.sleep(200);
            int lost = receiver.missing(sent.get()).cardinality();
            assertEquals(0, marked.received(), "no datagram to the marked port got past the dropper");
            return new StreamResult(sent.get(), lost, rcvbufErrors() - rcvbufBefore, cycles);
        }
    }

    @Test
    void chainChangesUnderTrafficLoseNothing() throws Exception {
        StreamResult baseline = stream(100, false);
        StreamResult swaps = stream(100, true);
        System.out.printf("zero-loss: baseline sent=%d lost=%d rcvbuf_drops=%d; with %d insert/upgrade/remove cycles sent=%d lost=%d rcvbuf_drops=%d%n",
                baseline.sent(), baseline.lost(), baseline.rcvbufDrops(), swaps.cycles(), swaps.sent(), swaps.lost(), swaps.rcvbufDrops());
        assertEquals(0, baseline.lost(), "the stream loses nothing without swaps (pacing and buffers are sized right)");
        assertEquals(0, swaps.lost(), "chain changes lose no packet");
        assertTrue(swaps.sent() > 10_000, "the stream ran during the swaps");
    }

    @Test
    void pinnedChainKeepsWorkingWithoutTheJvmObjectsAndIsAdopted() throws Exception {
        engine.stageAdded(TestStages.registration("dropper", 100, new TestStages.Tagger('d', MARKED_PORT)));
        int dispatcherId = engine.get("t").orElseThrow().chain().getFirst().programId();
        UdpTraffic.send(client, "10.210.0.2", MARKED_PORT, 10, 0);
        Thread.sleep(100);
        long droppedBefore = stage("dropper").stats().dropped();
        assertEquals(10, droppedBefore);

        engine.close(); // the core (or the JVM) stops: nothing may leave the kernel
        engine = null;
        try (UdpTraffic.Receiver receiver = new UdpTraffic.Receiver(server, "10.210.0.2", PORT);
             UdpTraffic.Receiver marked = new UdpTraffic.Receiver(server, "10.210.0.2", MARKED_PORT)) {
            UdpTraffic.send(client, "10.210.0.2", PORT, 100, 0);
            UdpTraffic.send(client, "10.210.0.2", MARKED_PORT, 10, 0);
            assertEquals(100, receiver.awaitCount(100, 3000), "traffic flows through the pinned chain");
            Thread.sleep(100);
            assertEquals(0, marked.received(), "the pinned dropper still drops");
        }

        engine = new PipelineEngine(root, 100);
        engine.configure(PipelineSpec.of("t", "xdp", "native", new String[] {server + ":veth-s"}));
        PipelineInfo adopted = engine.get("t").orElseThrow();
        assertEquals(dispatcherId, adopted.chain().getFirst().programId(), "the same dispatcher stays attached");
        assertEquals(java.util.List.of(server + ":veth-s"), adopted.interfaces());
        assertEquals(20, stage("dropper").stats().dropped(), "counters continue across the restart");
        assertTrue(stage("dropper").adopted());
        BpfLink.XdpAttachment xdp = NetNs.get(server, () -> BpfLink.queryXdp(NetNs.ifindexHere("veth-s", server)));
        assertEquals(dispatcherId, xdp.programId(), "one attachment, no duplicate");
        try (Stream<Path> links = Files.list(root.resolve("t"))) {
            assertEquals(1, links.filter(p -> p.getFileName().toString().startsWith("link@")).count());
        }

        // Removing the configuration detaches for good.
        engine.removePipeline("t", true);
        assertFalse(NetNs.get(server, () -> BpfLink.queryXdp(NetNs.ifindexHere("veth-s", server))).attached());
        assertFalse(Files.exists(root.resolve("t")));
    }

    @Test
    void tcPipelinesAttachWithTcxAndCount() throws Exception {
        engine.configure(PipelineSpec.of("tc", "tc-ingress", "auto", new String[] {server + ":veth-s"}));
        try (UdpTraffic.Receiver receiver = new UdpTraffic.Receiver(server, "10.210.0.2", PORT)) {
            UdpTraffic.send(client, "10.210.0.2", PORT, 30, 0);
            assertEquals(30, receiver.awaitCount(30, 3000));
        }
        PipelineInfo tc = engine.get("tc").orElseThrow();
        assertEquals(io.deetune.core.api.Hook.TC_INGRESS, tc.hook());
        assertEquals(java.util.List.of(server + ":veth-s"), tc.interfaces());
        assertTrue(tc.chain().getFirst().stats().continued() >= 30, "the TC dispatcher saw the datagrams: " + tc.chain().getFirst());
        assertTrue(engine.get("t").orElseThrow().chain().getFirst().stats().continued() >= 30, "and so did the XDP pipeline before it");
        engine.removePipeline("tc", true);
        assertFalse(Files.exists(root.resolve("tc")));
    }

    @Test
    void tcxProgramsAttachedAfterATcPipelineStillRun() throws Exception {
        engine.configure(PipelineSpec.of("tc", "tc-ingress", "auto", new String[] {server + ":veth-s"}));
        try (io.deetune.bpf.BpfObject other = io.deetune.bpf.BpfObject.open(TestStages.object("tc_counter"), "other").load();
             BpfLink after = NetNs.get(server, () -> other.program("tc_counter")
                     .attachTcx(NetNs.ifindexHere("veth-s", server), io.deetune.bpf.TcDirection.INGRESS))) {
            var counted = other.map("counted").typed(io.deetune.bpf.Codec.U32, io.deetune.bpf.Codec.U64);
            // The end of an empty chain, then the end of a chain of one stage: both must hand over to what follows.
            for (boolean withStage : new boolean[] {false, true}) {
                if (withStage) {
                    engine.stageAdded(new StageRegistration("marker", 100, io.deetune.core.api.Hook.TC_INGRESS, TestStages.plain("tc_marker"), 1));
                }
                long before = counted.get(0).orElseThrow();
                try (UdpTraffic.Receiver receiver = new UdpTraffic.Receiver(server, "10.210.0.2", PORT)) {
                    UdpTraffic.send(client, "10.210.0.2", PORT, 20, 0);
                    assertEquals(20, receiver.awaitCount(20, 3000));
                }
                assertTrue(counted.get(0).orElseThrow() - before >= 20,
                        "the tcx program after DeeTune's saw the datagrams (stage: " + withStage + "): " + (counted.get(0).orElseThrow() - before));
            }
        }
        engine.removePipeline("tc", true);
    }

    @Test
    void interfaceAndModeChangesApplyLive() throws Exception {
        engine.configure(PipelineSpec.of("t", "xdp", "native", new String[0]));
        assertFalse(NetNs.get(server, () -> BpfLink.queryXdp(NetNs.ifindexHere("veth-s", server))).attached(), "detached when removed from the list");
        engine.configure(PipelineSpec.of("t", "xdp", "generic", new String[] {server + ":veth-s"}));
        BpfLink.XdpAttachment xdp = NetNs.get(server, () -> BpfLink.queryXdp(NetNs.ifindexHere("veth-s", server)));
        assertEquals(0, xdp.driverProgramId());
        assertEquals(engine.get("t").orElseThrow().chain().getFirst().programId(), xdp.genericProgramId(), "attached again, in generic mode");
        try (UdpTraffic.Receiver receiver = new UdpTraffic.Receiver(server, "10.210.0.2", PORT)) {
            UdpTraffic.send(client, "10.210.0.2", PORT, 20, 0);
            assertEquals(20, receiver.awaitCount(20, 3000));
        }
        assertTrue(engine.get("t").orElseThrow().chain().getFirst().stats().continued() >= 20, "generic XDP counts too");
    }
}

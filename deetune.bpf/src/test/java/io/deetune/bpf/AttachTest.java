package io.deetune.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.testing.NetLab;
import io.deetune.bpf.testing.TestPins;
import io.deetune.bpf.testing.UdpTraffic;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Programs attached to real veth interfaces in namespaces the test creates, with real traffic. */
class AttachTest {

    private NetLab lab;
    private String client;
    private String server;
    private TestPins pins;

    @BeforeEach
    void buildLab() {
        lab = new NetLab();
        NetLab.Pair hosts = lab.pair("10.200.0");
        client = hosts.client();
        server = hosts.server();
        pins = TestPins.create("attach");
    }

    @AfterEach
    void tearDown() {
        lab.close();
        pins.close();
    }

    private long counter(BpfMap counters, int index) {
        return counters.typed(Codec.U32, Codec.U64).get(index).orElseThrow();
    }

    @Test
    void xdpCountsRealPacketsAndPinnedLinkOutlivesJavaObjects() throws Exception {
        Path linkPin = pins.resolve("link");
        Path mapPin = pins.resolve("counters");
        try (BpfObject object = ObjectTest.probe()) {
            object.setPinPath("counters", mapPin).load();
            BpfProgram program = object.program("count_packets");
            try (BpfLink link = NetNs.get(server, () -> program.attachXdp(NetNs.ifindexHere("veth-s", server), XdpMode.NATIVE))) {
                link.pin(linkPin);
                assertEquals(program.id(), link.info().programId());
                BpfLink.XdpAttachment attachment = NetNs.get(server, () -> BpfLink.queryXdp(NetNs.ifindexHere("veth-s", server)));
                assertEquals(program.id(), attachment.driverProgramId());
            }
            try (UdpTraffic.Receiver receiver = new UdpTraffic.Receiver(server, "10.200.0.2", 7000)) {
                UdpTraffic.send(client, "10.200.0.2", 7000, 100, 0);
                assertEquals(100, receiver.awaitCount(100, 5000));
            }
            assertEquals(100, counter(object.map("counters"), 1));
        }
        // Every Java object is closed; the pinned link keeps the program attached and counting.
        try (BpfMap counters = BpfMap.openPinned(mapPin)) {
            UdpTraffic.send(client, "10.200.0.2", 7001, 50, 0);
            long deadline = System.currentTimeMillis() + 5000;
            while (counter(counters, 1) < 150 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(150, counter(counters, 1));

            try (BpfLink reopened = BpfLink.openPinned(linkPin)) {
                reopened.detach();
            }
            assertFalse(NetNs.get(server, () -> BpfLink.queryXdp(NetNs.ifindexHere("veth-s", server))).attached());
            UdpTraffic.send(client, "10.200.0.2", 7001, 50, 0);
            Thread.sleep(200);
            assertEquals(150, counter(counters, 1), "a detached program counts nothing");
        }
    }

    @Test
    void tcxProgramCountsIngressPackets() throws Exception {
        try (BpfObject object = ObjectTest.probe().load()) {
            BpfProgram program = object.program("tc_count");
            try (BpfLink link = NetNs.get(server, () -> program.attachTcx(NetNs.ifindexHere("veth-s", server), TcDirection.INGRESS))) {
                UdpTraffic.send(client, "10.200.0.2", 7002, 20, 0);
                long deadline = System.currentTimeMillis() + 5000;
                while (counter(object.map("counters"), 3) < 20 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(counter(object.map("counters"), 3) >= 20, "TC saw the 20 datagrams (and ARP)");
                assertEquals(program.id(), link.info().programId());
            }
        }
    }

    @Test
    void missingInterfaceAndNamespaceAreClearErrors() {
        IllegalArgumentException iface = assertThrows(IllegalArgumentException.class, () -> NetNs.ifindex(server, "nope0"));
        assertEquals("no interface 'nope0' in network namespace '" + server + "'", iface.getMessage());
        IllegalArgumentException ns = assertThrows(IllegalArgumentException.class, () -> NetNs.ifindex("dt-missing-ns", "lo"));
        assertTrue(ns.getMessage().contains("network namespace 'dt-missing-ns' does not exist"));
        assertTrue(NetNs.ifindex(server, "veth-s") > 0);
    }

    @Test
    void bpffsIsFound() {
        assertTrue(BpfFs.isBpfFs(BpfFs.root()));
        assertFalse(BpfFs.isBpfFs(Path.of("/tmp")));
    }
}

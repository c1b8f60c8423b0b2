package io.deetune.firewall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfLink;
import io.deetune.bpf.NetNs;
import io.deetune.bpf.XdpMode;
import io.deetune.bpf.testing.NetLab;
import io.deetune.bpf.testing.Packets;
import io.deetune.bpf.testing.UdpTraffic;
import io.deetune.firewall.Action;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real traffic between two namespaces, through the stage attached with XDP to the receiver's veth. */
class FirewallNamespaceTest {

    private NetLab lab;
    private String client;
    private String server;
    private LoadedStage stage;
    private BpfLink link;

    @BeforeEach
    void buildLab() {
        lab = new NetLab();
        NetLab.Pair hosts = lab.pair("10.201.0");
        client = hosts.client();
        server = hosts.server();
        stage = new LoadedStage();
        link = NetNs.get(server, () -> stage.program.attachXdp(NetNs.ifindexHere("veth-s", server), XdpMode.NATIVE));
    }

    @AfterEach
    void tearDown() {
        if (link != null) {
            link.close();
        }
        stage.close();
        lab.close();
    }

    @Test
    void deniedTrafficNeverArrivesAllowedTrafficDoes() throws Exception {
        stage.install("deny proto udp dport 7100\nallow proto udp dport 7101 src 10.201.0.0/24\ndeny proto udp", Action.ALLOW);
        try (var denied = new UdpTraffic.Receiver(server, "10.201.0.2", 7100);
             var allowed = new UdpTraffic.Receiver(server, "10.201.0.2", 7101);
             var other = new UdpTraffic.Receiver(server, "10.201.0.2", 7102)) {
            UdpTraffic.send(client, "10.201.0.2", 7100, 300, 0);
            UdpTraffic.send(client, "10.201.0.2", 7102, 300, 0);
            UdpTraffic.send(client, "10.201.0.2", 7101, 300, 0);
            assertEquals(300, allowed.awaitCount(300, 5000));
            // The allowed datagrams were sent last and have all arrived: nothing denied is still on its way.
            assertEquals(0, denied.received());
            assertEquals(0, other.received());
            var counters = stage.tables.counters();
            assertEquals(300, counters.get(0).packets(), "rule 1 dropped every datagram to 7100");
            assertEquals(300, counters.get(1).packets());
            assertEquals(300, counters.get(2).packets());
        }
    }

    /**
     * RFC 1858's tiny fragment against a real listener: a SYN to port 22 in two IPv4 fragments, the first holding 8
     * bytes of TCP header within its IP length and the rest of an ACK's header in the frame past it. Sent raw (no
     * stack rebuilds them) across the veth; the receiving kernel would reassemble them into a SYN and answer it with a
     * SYN+ACK. A SYN to an allowed port, sent after them, shows the path works and that the answers have come back.
     */
    @Test
    void aTinyFragmentedSynNeverReachesTheListener() throws Exception {
        stage.install("deny proto tcp dport 22 flags syn/syn,ack", Action.ALLOW);
        lab.exec(server, "ip", "link", "set", "veth-s", "address", mac(Packets.MAC_B));
        Path script = Files.createTempFile("send_frames", ".py");
        try (ServerSocket ssh = listen(server, 22); ServerSocket other = listen(server, 2222)) {
            try (InputStream in = getClass().getResourceAsStream("send_frames.py")) {
                Files.write(script, in.readAllBytes());
            }
            List<String> command = new ArrayList<>(List.of("python3", script.toString(), "veth-c", "2222", "20"));
            for (byte[] frame : Frames.tinyFragmentedSyn("10.201.0.1", 40001, "10.201.0.2", 22)) {
                command.add(HexFormat.of().formatHex(frame));
            }
            command.add(HexFormat.of().formatHex(Packets.tcp("10.201.0.1", 40002, "10.201.0.2", 2222, Packets.TCP_SYN, new byte[0])));
            String answers = lab.exec(client, command.toArray(String[]::new));
            assertTrue(answers.contains("synack 2222 40002"), "the allowed SYN is answered: " + answers);
            assertFalse(answers.contains("synack 22 40001"), "the listener on port 22 never saw the SYN: " + answers);
            assertEquals(2, stage.tables.drops(FirewallConsts.DROP_TINY_FRAGMENT), "both fragments dropped as tiny fragments");
        } finally {
            Files.delete(script);
        }
    }

    private static ServerSocket listen(String ns, int port) {
        return NetNs.get(ns, () -> {
            try {
                return new ServerSocket(port, 16, InetAddress.ofLiteral("10.201.0.2"));
            } catch (IOException e) {
                throw new UncheckedIOException("listening on port " + port + " in " + ns, e);
            }
        });
    }

    private static String mac(byte[] address) {
        return HexFormat.ofDelimiter(":").formatHex(address);
    }

    @Test
    void aRuleChangeUnderTrafficAppliesAtOnce() throws Exception {
        stage.install("allow proto udp dport 7200", Action.ALLOW);
        int total = 6000;
        try (var receiver = new UdpTraffic.Receiver(server, "10.201.0.2", 7200)) {
            Thread sender = Thread.ofPlatform().start(() -> UdpTraffic.send(client, "10.201.0.2", 7200, total, 200_000));
            receiver.awaitCount(1000, 10_000);
            stage.install("deny proto udp dport 7200", Action.ALLOW);
            sender.join();
            Thread.sleep(300);
            BitSet missing = receiver.missing(total);
            int firstDenied = missing.nextSetBit(0);
            assertTrue(firstDenied >= 1000, "traffic flowed before the change: first missing " + firstDenied);
            // The stream splits in two: everything before the switch arrived, nothing after it did.
            assertEquals(total - firstDenied, missing.cardinality(),
                    "datagrams after the first denied one still arrived: " + missing);
            assertEquals(firstDenied, receiver.received());
            assertEquals(total - firstDenied, stage.tables.counters().get(0).packets(), "the new rule counted each drop");
        }
    }
}

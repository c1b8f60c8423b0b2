package io.deetune.lb.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfObject;
import io.deetune.bpf.NetNs;
import io.deetune.bpf.testing.NetLab.TxChecksum;
import io.deetune.core.api.Hook;
import io.deetune.lb.Algorithm;
import io.deetune.lb.Backend;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tc-ingress stage between senders that keep transmit checksum offload on (the kernel's default for veth, and
 * how containers send): small packets reach the stage as CHECKSUM_PARTIAL skbs, large writes as GSO packets. The
 * LB's own interfaces checksum in software what they send, so a checksum field the rewrite got wrong reaches the
 * receiver as a bad checksum (nstat's TcpInCsumErrors) and its connection stalls.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a guard against a hang, not a timing assertion
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LbTxOffloadNamespaceTest {

    /** The backends' echo port: reads a length and that many bytes, sends them back. */
    private static final int ECHO_PORT = 9000;
    /** Enough for many GSO packets each way. */
    private static final int BULK_BYTES = 512 * 1024;

    private LbLab lab;
    private final List<ServerSocket> echoServers = new ArrayList<>();
    private BpfObject object;
    private LbEngine engine;

    @BeforeAll
    void buildLab() {
        lab = new LbLab(TxChecksum.ON);
        for (int i = 0; i < 3; i++) {
            lab.startServer(i);
            startEcho(lab.backends.get(i));
        }
    }

    @AfterAll
    void tearDown() throws IOException {
        for (ServerSocket server : echoServers) {
            server.close();
        }
        lab.close();
    }

    @AfterEach
    void unload() {
        lab.detach();
        if (object != null) {
            object.close();
        }
    }

    private void startEcho(String namespace) {
        ServerSocket server = NetNs.get(namespace, () -> {
            try {
                return new ServerSocket(ECHO_PORT, 16); // IPv4 and IPv6
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        echoServers.add(server);
        Thread.ofPlatform().daemon(true).start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] data = new byte[in.readInt()];
                    in.readFully(data);
                    s.getOutputStream().write(data);
                } catch (IOException e) {
                    // closed by the test's end, or a failed connection the client side reports
                }
            }
        });
    }

    private static byte[] echo(String vip, int port) throws IOException {
        byte[] data = new byte[BULK_BYTES];
        ThreadLocalRandom.current().nextBytes(data);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.ofLiteral(vip), port), 5000);
            socket.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(data.length);
            out.write(data);
            out.flush();
            byte[] back = new DataInputStream(socket.getInputStream()).readNBytes(data.length);
            assertArrayEquals(data, back, "the echo through " + vip + ":" + port);
        }
        return data;
    }

    /** The namespace's checksum error counters (absolute: the lab's namespaces are new). */
    private Map<String, Long> checksumErrors(String namespace) {
        Map<String, Long> errors = new TreeMap<>();
        for (String line : lab.lab.exec(namespace, "nstat", "-asz").split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2 && fields[0].contains("CsumErrors")) {
                errors.put(fields[0], Long.parseLong(fields[1]));
            }
        }
        return errors;
    }

    private long totalChecksumErrors() {
        long total = 0;
        for (String ns : List.of(lab.client, lab.backends.get(0), lab.backends.get(1), lab.backends.get(2))) {
            total += checksumErrors(ns).values().stream().mapToLong(Long::longValue).sum();
        }
        return total;
    }

    @ParameterizedTest(name = "IPv{0}, fib redirect {1}")
    @CsvSource({"4, true", "4, false", "6, true", "6, false"})
    void tcpFromSendersWithChecksumOffloadIsBalancedAtTc(int family, boolean fibRedirect) {
        object = LbObjects.load(Hook.TC_INGRESS, fibRedirect);
        engine = new LbEngine((service, backend, healthy, reason) -> {});
        engine.attach(object::map);
        lab.attach(object, Hook.TC_INGRESS);
        String vip = family == 4 ? LbLab.VIP : LbLab.VIP6;
        List<String> addresses = family == 4 ? lab.backendAddresses : lab.backendAddresses6;
        List<Backend> web = new ArrayList<>();
        List<Backend> bulk = new ArrayList<>();
        for (String address : addresses) {
            web.add(new Backend(InetAddress.ofLiteral(address), LbLab.BACKEND_PORT, 1));
            bulk.add(new Backend(InetAddress.ofLiteral(address), ECHO_PORT, 1));
        }
        engine.putService(new VirtualService("web", InetAddress.ofLiteral(vip), 80, Protocol.TCP, Algorithm.ROUND_ROBIN, web, HealthCheck.NONE));
        engine.putService(new VirtualService("bulk", InetAddress.ofLiteral(vip), 90, Protocol.TCP, Algorithm.ROUND_ROBIN, bulk, HealthCheck.NONE));
        // What makes the packets partial, and large writes single GSO packets at the stage.
        assertTrue(lab.lab.exec(lab.client, "ethtool", "-k", "c0").contains("tcp-segmentation-offload: on"), "the client sends TSO");
        assertTrue(lab.lab.exec(lab.backends.getFirst(), "ethtool", "-k", "b1").contains("tx-checksumming: on"), "b1 sends partial checksums");
        long errorsBefore = totalChecksumErrors();
        String source = family == 4 ? LbLab.CLIENTS.getFirst() : LbLab.CLIENT6;

        Map<String, Integer> answers = NetNs.get(lab.client, () -> {
            Map<String, Integer> counts = new TreeMap<>();
            for (int i = 0; i < 9; i++) {
                try {
                    counts.merge(LbLab.get(source, vip, 80), 1, Integer::sum);
                } catch (IOException e) {
                    throw new AssertionError("request " + i + " to " + vip + " failed", e);
                }
            }
            for (int i = 0; i < 3; i++) {
                try {
                    echo(vip, 90);
                } catch (IOException e) {
                    throw new AssertionError("bulk echo " + i + " through " + vip + " failed", e);
                }
            }
            return counts;
        });
        assertEquals(Map.of("b1", 3, "b2", 3, "b3", 3), answers);
        assertEquals(0, totalChecksumErrors() - errorsBefore, "checksum errors at the receivers: client "
                + checksumErrors(lab.client) + ", b1 " + checksumErrors(lab.backends.get(0)));
    }
}

package io.deetune.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfObject;
import io.deetune.bpf.NetNs;
import io.deetune.core.api.Hook;
import io.deetune.lb.Algorithm;
import io.deetune.lb.Backend;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real HTTP traffic: client namespace -> the stage on the LB namespace's interfaces -> three backend namespaces. */
/* A guard against a hang (e.g. a health event that never comes), not a timing assertion. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LbNamespaceTest {

    private LbLab lab;
    private BpfObject object;
    private LbEngine engine;
    private final List<String> healthEvents = new CopyOnWriteArrayList<>();
    private static final AtomicInteger NEXT_SNAT_HOST = new AtomicInteger(1);

    @BeforeAll
    void buildLab() {
        lab = new LbLab();
        for (int i = 0; i < 3; i++) {
            lab.startServer(i);
        }
    }

    @AfterAll
    void tearDown() {
        lab.close();
    }

    private void load(boolean fibRedirect) {
        load(Hook.XDP, fibRedirect);
    }

    private void load(Hook hook, boolean fibRedirect) {
        object = LbObjects.load(hook, fibRedirect);
        engine = new LbEngine((service, backend, healthy, reason) -> healthEvents.add(backend.endpoint() + (healthy ? " up" : " down")));
        engine.attach(object::map);
        lab.attach(object, hook);
    }

    @AfterEach
    void unload() {
        lab.detach();
        if (object != null) {
            object.close();
        }
        for (int i = 0; i < 3; i++) {
            lab.stopServer(i);
            lab.startServer(i);
        }
        healthEvents.clear();
    }

    private VirtualService web(Algorithm algorithm, HealthCheck check, int... weights) {
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            backends.add(new Backend(InetAddress.ofLiteral(lab.backendAddresses.get(i)), LbLab.BACKEND_PORT, weights.length > i ? weights[i] : 1));
        }
        return new VirtualService("web", InetAddress.ofLiteral(LbLab.VIP), 80, Protocol.TCP, algorithm, backends, check);
    }

    @ParameterizedTest(name = "{0}, fib redirect {1}")
    @CsvSource({"xdp, true", "xdp, false", "tc-ingress, true", "tc-ingress, false"})
    void roundRobinSpreadsRequestsExactlyEvenly(String hook, boolean fibRedirect) {
        load(Hook.parse(hook), fibRedirect);
        engine.putService(web(Algorithm.ROUND_ROBIN, HealthCheck.NONE));
        // Counted from here: the last packets of the previous test's connections may still reach the new stage.
        long flowsBefore = engine.status().getFirst().newFlows();
        assertEquals(Map.of("b1", 100, "b2", 100, "b3", 100), lab.requests(LbLab.CLIENTS.getFirst(), 300));
        assertEquals(300, engine.status().getFirst().newFlows() - flowsBefore);
    }

    @ParameterizedTest(name = "{0}, fib redirect {1}")
    @CsvSource({"xdp, true", "xdp, false", "tc-ingress, true", "tc-ingress, false"})
    void ipv6ServicesAreBalancedEndToEnd(String hook, boolean fibRedirect) {
        load(Hook.parse(hook), fibRedirect);
        List<Backend> backends = lab.backendAddresses6.stream().map(a -> new Backend(InetAddress.ofLiteral(a), LbLab.BACKEND_PORT, 1)).toList();
        engine.putService(new VirtualService("web6", InetAddress.ofLiteral(LbLab.VIP6), 80, Protocol.TCP, Algorithm.ROUND_ROBIN, backends, HealthCheck.NONE));
        Map<String, Integer> answers = NetNs.get(lab.client, () -> {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i < 30; i++) {
                try {
                    counts.merge(LbLab.get(LbLab.CLIENT6, LbLab.VIP6, 80), 1, Integer::sum);
                } catch (IOException e) {
                    throw new AssertionError("IPv6 request " + i + " failed", e);
                }
            }
            return counts;
        });
        assertEquals(Map.of("b1", 10, "b2", 10, "b3", 10), answers);
    }

    @ParameterizedTest(name = "{0}, fib redirect {1}")
    @CsvSource({"xdp, true", "xdp, false", "tc-ingress, true", "tc-ingress, false"})
    void sourceNatServesBackendsThatCannotReachTheClient(String hook, boolean fibRedirect) {
        load(Hook.parse(hook), fibRedirect);
        VirtualService plain = web(Algorithm.ROUND_ROBIN, HealthCheck.NONE);
        // The SNAT address only needs a route from the backends to the LB: the stage catches the replies. Each run
        // has an address of its own: the backends keep the earlier runs' connections in TIME_WAIT, and a SYN from
        // the same address and port with an older timestamp would be refused and balanced again on its retry.
        String snat = "10.12.0." + NEXT_SNAT_HOST.getAndIncrement();
        engine.putService(new VirtualService(plain.name(), plain.vip(), plain.port(), plain.protocol(), plain.algorithm(),
                plain.backends(), plain.healthCheck(), InetAddress.ofLiteral(snat)));
        for (int i = 1; i <= 3; i++) {
            String ns = lab.backends.get(i - 1);
            lab.lab.exec(ns, "ip", "route", "del", "default");
            lab.lab.exec(ns, "ip", "route", "add", "10.12.0.0/24", "via", "10.11." + i + ".1");
        }
        try {
            assertEquals(Map.of("b1", 10, "b2", 10, "b3", 10), lab.requests(LbLab.CLIENTS.getFirst(), 30));
        } finally {
            for (int i = 1; i <= 3; i++) {
                String ns = lab.backends.get(i - 1);
                lab.lab.exec(ns, "ip", "route", "del", "10.12.0.0/24");
                lab.lab.exec(ns, "ip", "route", "add", "default", "via", "10.11." + i + ".1");
            }
        }
    }

    @Test
    void weightedRoundRobinIsProportional() {
        load(true);
        engine.putService(web(Algorithm.WEIGHTED_ROUND_ROBIN, HealthCheck.NONE, 1, 2, 3));
        assertEquals(Map.of("b1", 50, "b2", 100, "b3", 150), lab.requests(LbLab.CLIENTS.getFirst(), 300));
    }

    @Test
    void sourceHashKeepsEachClientOnOneBackend() {
        load(true);
        engine.putService(web(Algorithm.SOURCE_HASH, HealthCheck.NONE));
        for (String client : LbLab.CLIENTS) {
            Map<String, Integer> answers = lab.requests(client, 100);
            assertEquals(1, answers.size(), client + " stays on one backend: " + answers);
        }
    }

    @Test
    void maglevSpreadsNewConnections() {
        load(true);
        engine.putService(web(Algorithm.MAGLEV, HealthCheck.NONE));
        Map<String, Integer> answers = lab.requests(LbLab.CLIENTS.getFirst(), 300);
        assertEquals(3, answers.size(), answers.toString());
        // Binomial(300, 1/3): 100 +- 8; 60..140 is five standard deviations.
        answers.values().forEach(n -> assertTrue(n >= 60 && n <= 140, answers.toString()));
    }

    @Test
    void leastConnectionsSpreadsConcurrentConnections() throws Exception {
        load(true);
        engine.putService(web(Algorithm.LEAST_CONNECTIONS, HealthCheck.NONE));
        // 30 connections held open at once: each new one goes to the backend with the fewest live flows.
        List<java.net.Socket> open = NetNs.get(lab.client, () -> {
            List<java.net.Socket> sockets = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                java.net.Socket s = new java.net.Socket();
                try {
                    s.connect(new java.net.InetSocketAddress(LbLab.VIP, 80), 2000);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                sockets.add(s);
            }
            return sockets;
        });
        Map<String, Long> active = new HashMap<>();
        engine.status().getFirst().backends().forEach(b -> active.put(b.backend().address().getHostAddress(), b.activeFlows()));
        for (java.net.Socket s : open) {
            // Reset, not FIN: the servers close idle connections seconds later, and the client's last ACK would then
            // reach a later test's stage as a packet of an unknown flow (balanced, moving its round robin on).
            s.setSoLinger(true, 0);
            s.close();
        }
        assertEquals(Map.of("10.11.1.2", 10L, "10.11.2.2", 10L, "10.11.3.2", 10L), active);
    }

    @Test
    void aKilledBackendCostsNoRequestOnceTheHealthCheckReacted() throws Exception {
        load(true);
        engine.putService(web(Algorithm.ROUND_ROBIN, HealthCheck.tcp(100, 200, 2, 2)));
        try (HealthMonitor monitor = new HealthMonitor(engine, lab.lb)) {
            List<String> log = new CopyOnWriteArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicBoolean down = new AtomicBoolean();
            Thread load = Thread.ofPlatform().start(() -> NetNs.run(lab.client, () -> {
                while (running.get()) {
                    boolean reacted = down.get();
                    try {
                        log.add((reacted ? "after " : "before ") + LbLab.get(LbLab.CLIENTS.getFirst(), 80));
                    } catch (IOException e) {
                        log.add((reacted ? "after " : "before ") + "FAILED " + e.getMessage());
                    }
                    // A steady load, not a flood: each request takes a client port of its own (see LbLab.get).
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
            while (log.size() < 60) {
                Thread.sleep(10);
            }
            lab.stopServer(1);
            while (!healthEvents.contains("10.11.2.2:8080 down")) {
                Thread.sleep(10);
            }
            down.set(true);
            // Counted by label: a request in flight when the health check reacted is logged as "before".
            while (log.stream().filter(l -> l.startsWith("after ")).count() < 150) {
                Thread.sleep(10);
            }
            running.set(false);
            load.join();
            List<String> after = log.stream().filter(l -> l.startsWith("after ")).toList();
            assertTrue(after.size() >= 150);
            assertTrue(after.stream().noneMatch(l -> l.contains("FAILED")), "no failed request after the health check reacted: "
                    + after.stream().filter(l -> l.contains("FAILED")).limit(3).toList());
            assertTrue(after.stream().noneMatch(l -> l.equals("after b2")), "the dead backend gets no request");
            long failedBefore = log.stream().filter(l -> l.startsWith("before FAILED")).count();
            System.out.println("lb failover: " + failedBefore + " request(s) failed between the kill and the health check's reaction");

            // The backend returns once it passes again.
            lab.startServer(1);
            while (!healthEvents.contains("10.11.2.2:8080 up")) {
                Thread.sleep(10);
            }
            assertEquals(Map.of("b1", 1, "b2", 1, "b3", 1), lab.requests(LbLab.CLIENTS.getFirst(), 3));
        }
    }
}

package io.deetune.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.deetune.bpf.NetNs;
import io.deetune.bpf.testing.NetLab;
import io.deetune.lb.Algorithm;
import io.deetune.lb.Backend;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Health checks from inside the LB's namespace against backends that answer, refuse, or never answer: eight
 * backends sit behind a route into a namespace that does not forward and drops their SYNs, so each of their probes
 * runs into its timeout. No stage is loaded: the monitor only reads and writes the engine's health.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES) // a guard against a hang, not a timing assertion
class HealthMonitorTest {

    private static final int BLACKHOLED = 8;
    private static final long TIMEOUT_MILLIS = 1000;

    private NetLab lab;
    private NetLab.Pair pair;
    private HttpServer server;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private LbEngine engine;

    @BeforeEach
    void buildLab() {
        lab = new NetLab();
        pair = lab.pair("10.201.0");
        // Routed to the backend's namespace, which does not forward: it drops the SYNs without a word.
        lab.exec(pair.server(), "sysctl", "-qw", "net.ipv4.ip_forward=0");
        lab.exec(pair.client(), "ip", "route", "add", "10.66.0.0/24", "via", pair.serverAddress());
        engine = new LbEngine((service, backend, healthy, reason) -> events.add(backend.endpoint() + (healthy ? " up" : " down")));
    }

    @AfterEach
    void tearDown() {
        stopServer();
        lab.close();
    }

    private void startServer() {
        server = NetNs.get(pair.server(), () -> {
            try {
                return HttpServer.create(new InetSocketAddress(8080), 16);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    private void stopServer() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** The eight blackholed backends first, the live one last (a sequential round reaches it last). */
    private VirtualService service(HealthCheck check) {
        List<Backend> backends = new ArrayList<>();
        for (int i = 1; i <= BLACKHOLED; i++) {
            backends.add(new Backend(InetAddress.ofLiteral("10.66.0." + i), 8080, 1));
        }
        backends.add(new Backend(InetAddress.ofLiteral(pair.serverAddress()), 8080, 1));
        return new VirtualService("web", InetAddress.ofLiteral("10.0.0.100"), 80, Protocol.TCP, Algorithm.ROUND_ROBIN, backends, check);
    }

    private void awaitEvents(int count) throws InterruptedException {
        while (events.size() < count) {
            Thread.sleep(5);
        }
    }

    @Test
    void probesRunConcurrentlySoBackendsThatTimeOutDoNotDelayTheOthers() throws Exception {
        for (HealthCheck check : List.of(HealthCheck.tcp(200, TIMEOUT_MILLIS, 1, 1), HealthCheck.http("/health", 200, TIMEOUT_MILLIS, 1, 1))) {
            events.clear();
            engine.putService(service(check));
            String live = pair.serverAddress() + ":8080";
            // The live backend refuses (nothing listens yet): known at once, while the others' probes wait for their timeout.
            long start = System.nanoTime();
            try (HealthMonitor monitor = new HealthMonitor(engine, pair.client())) {
                awaitEvents(BLACKHOLED + 1);
                long allDownMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(live + " down", events.getFirst(), check.type() + ": the refusing backend is known first: " + events);
                // Functional bound, not a benchmark: one round of concurrent probes, against eight timeouts in a row.
                assertTrue(allDownMillis < 3 * TIMEOUT_MILLIS, check.type() + ": all " + (BLACKHOLED + 1) + " marked down after " + allDownMillis + " ms");

                // It comes back, then goes down again while the blackholed probes keep timing out.
                startServer();
                awaitEvents(BLACKHOLED + 2);
                assertEquals(live + " up", events.getLast());
                stopServer();
                long killed = System.nanoTime();
                awaitEvents(BLACKHOLED + 3);
                long detectedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                assertEquals(live + " down", events.getLast());
                System.out.println("lb health " + check.type() + ": " + (BLACKHOLED + 1) + " backends down after " + allDownMillis
                        + " ms, a live one's fall seen after " + detectedMillis + " ms (timeout " + TIMEOUT_MILLIS + " ms)");
                assertTrue(detectedMillis < 3 * TIMEOUT_MILLIS, check.type() + ": the live backend's fall detected after " + detectedMillis + " ms");
            }
            engine.removeService("web");
        }
    }
}

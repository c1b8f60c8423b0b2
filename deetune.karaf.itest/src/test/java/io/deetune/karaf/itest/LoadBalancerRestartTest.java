package io.deetune.karaf.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load balancer in DeeTune's own Karaf, run as a process: a long-lived TCP connection through the VIP keeps
 * its backend while the lb bundle is updated and while Karaf is stopped and started again (the data plane runs on
 * alone, the chain and the connection table are adopted), and what the lb: commands change is still there after
 * the restart.
 *
 * <pre>
 *   client 10.78.0.2 --c0==lb-c-- lb 10.78.0.1 --lb-bN==bN-- backend N 10.78.N.2:9000 (N = 1..3)
 * </pre>
 */
class LoadBalancerRestartTest {

    private static final String VIP = "10.78.100.100";
    private static final int VIP_PORT = 7000;
    private static final int BACKEND_PORT = 9000;
    private static final String PIN_ROOT = "/sys/fs/bpf/deetune-itest-restart";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private EchoLab lab;
    private KarafProcess karaf;

    @BeforeEach
    void labAndKaraf() throws Exception {
        lab = new EchoLab("10.78", 3, BACKEND_PORT);
        String interfaces = lab.interfaces();
        karaf = KarafProcess.unpack(Path.of(System.getProperty("deetune.distribution")), Path.of("target/karaf-restart").toAbsolutePath());
        karaf.setProperty("io.deetune.core.cfg", "pin.root", PIN_ROOT);
        karaf.writeConfig("io.deetune.pipeline-restart.cfg", "name = restart\nhook = xdp\ninterfaces = " + interfaces + "\n");
        karaf.writeConfig("io.deetune.lb.cfg", "namespace = " + lab.lb() + "\n");
        karaf.writeConfig("io.deetune.lb.service-echo.cfg", """
                # A VIP in front of two of the three echo servers; the test adds the third from the shell.
                vip = %s
                port = %d
                algorithm = round-robin
                backends = 10.78.1.2:%d, 10.78.2.2:%d
                """.formatted(VIP, VIP_PORT, BACKEND_PORT, BACKEND_PORT));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            KarafProcess.tearDown(karaf, "io.deetune.pipeline-restart.cfg", Path.of(PIN_ROOT));
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Test
    void aLongLivedConnectionSurvivesABundleUpdateAndAKarafRestartAndShellChangesPersist() throws Exception {
        karaf.start();
        await("the VIP to answer", () -> {
            try {
                return newConnection().startsWith("b");
            } catch (IOException e) {
                return false;
            }
        });
        int dispatcher = dispatcherProgram();

        try (Socket longLived = lab.connect(VIP, VIP_PORT);
             BufferedReader in = new BufferedReader(new InputStreamReader(longLived.getInputStream(), StandardCharsets.US_ASCII));
             PrintWriter out = new PrintWriter(longLived.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            // A conversation that never pauses for long: one line every 50 ms, each answered by the same backend.
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger exchanged = new AtomicInteger();
            List<String> problems = new CopyOnWriteArrayList<>();
            Set<String> answeredBy = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Thread talker = Thread.ofPlatform().name("long-lived").start(() -> {
                try {
                    while (!stop.get()) {
                        int n = exchanged.incrementAndGet();
                        out.println("line " + n);
                        String reply = in.readLine();
                        if (reply == null || !reply.endsWith(" line " + n)) {
                            problems.add("line " + n + " answered '" + reply + "'");
                            return;
                        }
                        answeredBy.add(reply.substring(0, reply.indexOf(' ')));
                        Thread.sleep(50);
                    }
                } catch (IOException | InterruptedException e) {
                    problems.add("line " + exchanged.get() + ": " + e);
                }
            });
            await("the conversation to start", () -> exchanged.get() > 5 || !problems.isEmpty());

            // The shell: a third backend, written back to the service's file.
            String added = karaf.execute("lb:backend-add echo 10.78.3.2:" + BACKEND_PORT);
            assertTrue(added.contains("added to echo"), added);
            await("the new backend in etc/io.deetune.lb.service-echo.cfg",
                    () -> read(karaf.etc("io.deetune.lb.service-echo.cfg")).contains("10.78.3.2:" + BACKEND_PORT));
            // A service made in the shell gets a file of its own; removing it removes the file.
            karaf.execute("lb:service-add --protocol udp udp-echo " + VIP + ":7001 10.78.1.2:9001");
            await("etc/io.deetune.lb.service-udp-echo.cfg", () -> Files.exists(karaf.etc("io.deetune.lb.service-udp-echo.cfg")));
            karaf.execute("lb:service-remove udp-echo");
            await("etc/io.deetune.lb.service-udp-echo.cfg to go", () -> !Files.exists(karaf.etc("io.deetune.lb.service-udp-echo.cfg")));

            // The bundle is updated in place: the core keeps the departed stage for its grace time, the new one
            // takes over the pinned maps.
            int before = exchanged.get();
            karaf.execute("bundle:update io.deetune.plugin.lb");
            await("the updated lb bundle to answer", () -> karaf.execute("lb:service-list").contains("10.78.3.2:" + BACKEND_PORT));
            await("the conversation to go on after the update", () -> exchanged.get() > before + 20 || !problems.isEmpty());

            // Karaf stops: nothing is detached, the kernel balances on alone.
            karaf.stop();
            int stopped = exchanged.get();
            await("the conversation to go on while Karaf is down", () -> exchanged.get() > stopped + 20 || !problems.isEmpty());

            karaf.start();
            await("the lb service after the restart", () -> karaf.execute("lb:service-list").contains("echo"));
            int restarted = exchanged.get();
            await("the conversation to go on after the restart", () -> exchanged.get() > restarted + 20 || !problems.isEmpty());

            stop.set(true);
            talker.join(10_000);
            assertEquals(List.of(), problems, "the long-lived connection broke");
            assertEquals(1, answeredBy.size(), "one connection, one backend: " + answeredBy);
            System.out.printf("long-lived connection: %d lines answered by %s across a bundle update and a Karaf restart%n",
                    exchanged.get(), answeredBy);
        }

        assertEquals(dispatcher, dispatcherProgram(), "the restarted core adopted the attached dispatcher");
        String services = karaf.execute("lb:service-list");
        assertTrue(services.contains("10.78.3.2:" + BACKEND_PORT), "the backend added in the shell is back:\n" + services);
        assertFalse(services.contains("udp-echo"), services);
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            reached.add(newConnection());
        }
        assertEquals(Set.of("b1", "b2", "b3"), reached, "new connections after the restart reach all three backends");
    }

    /** One line over a new connection to the VIP; returns the name of the backend that answered. */
    private String newConnection() throws IOException {
        return lab.newConnection(VIP, VIP_PORT);
    }

    /** The id of the XDP program attached to the LB's client-side interface (the pipeline's dispatcher). */
    private int dispatcherProgram() {
        String shown = lab.exec(lab.lb(), "ip", "-details", "link", "show", "dev", "lb-c");
        var matcher = Pattern.compile("prog/xdp id (\\d+)").matcher(shown);
        assertTrue(matcher.find(), "no XDP program on lb-c:\n" + shown);
        return Integer.parseInt(matcher.group(1));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, PATIENCE, condition);
    }
}

package io.deetune.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfObject;
import io.deetune.bpf.NetNs;
import io.deetune.core.api.Hook;
import io.deetune.lb.Algorithm;
import io.deetune.lb.Backend;
import io.deetune.lb.BackendStatus;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.LoadFeedback;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Load feedback with real traffic: client namespace -> the stage -> three backend namespaces, each with an HTTP
 * server and a load agent on port 9777 ({@link AgentServers}), read by the {@link HealthMonitor} from the LB's
 * namespace. New flows follow the agents' shares, a drained backend takes no new flow but keeps its open one, and a
 * backend that comes back ramps up over its slow start.
 */
/* A guard against a hang, not a timing assertion. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LbFeedbackNamespaceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private LbLab lab;
    private AgentServers agents;
    private BpfObject object;
    private LbEngine engine;
    private HealthMonitor monitor;
    private final List<String> healthEvents = new CopyOnWriteArrayList<>();

    @BeforeAll
    void buildLab() {
        lab = new LbLab();
        for (int i = 0; i < 3; i++) {
            lab.startServer(i);
        }
        agents = new AgentServers(lab, "100%");
        object = LbObjects.load(Hook.XDP, true);
        lab.attach(object, Hook.XDP);
    }

    @AfterAll
    void tearDown() throws InterruptedException {
        agents.close();
        lab.detach();
        object.close();
        lab.close();
    }

    private void start(VirtualService service) {
        engine = new LbEngine((s, backend, healthy, reason) -> healthEvents.add(backend.endpoint() + (healthy ? " up" : " down")));
        engine.attach(object::map);
        engine.putService(service);
        monitor = new HealthMonitor(engine, lab.lb);
    }

    @AfterEach
    void stop() throws InterruptedException {
        monitor.close();
        engine.removeService("web");
        for (int i = 0; i < 3; i++) {
            agents.answer(i, "100%");
        }
        healthEvents.clear();
    }

    private VirtualService web(Algorithm algorithm, HealthCheck check, LoadFeedback feedback) {
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            backends.add(new Backend(InetAddress.ofLiteral(lab.backendAddresses.get(i)), LbLab.BACKEND_PORT, 1));
        }
        return new VirtualService("web", InetAddress.ofLiteral(LbLab.VIP), 80, Protocol.TCP, algorithm, backends, check, null, feedback);
    }

    private BackendStatus status(int backend) {
        return engine.status().getFirst().backends().get(backend);
    }

    private void await(String what, Predicate<List<BackendStatus>> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!condition.test(engine.status().getFirst().backends())) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("never " + what + ": " + engine.status().getFirst().backends());
            }
            Thread.sleep(20);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"ROUND_ROBIN", "WEIGHTED_ROUND_ROBIN", "MAGLEV"})
    void newFlowsFollowTheSharesTheAgentsReport(Algorithm algorithm) throws InterruptedException {
        agents.answer(0, "25%");
        start(web(algorithm, HealthCheck.NONE, new LoadFeedback(AgentServers.PORT, 200, 0)));
        await("the agents' answers in force", b -> "25%".equals(b.get(0).agent()) && "100%".equals(b.get(1).agent())
                && "100%".equals(b.get(2).agent()));
        assertEquals(0.25, status(0).effectiveWeight());
        assertEquals(1.0, status(1).effectiveWeight());
        Map<String, Integer> answers = lab.requests(LbLab.CLIENTS.getFirst(), 900);
        if (algorithm == Algorithm.MAGLEV) {
            // Hashing: b1 holds 1/9 of the table, Binomial(900, 1/9) is 100 +- 9.4; five standard deviations.
            assertTrue(answers.getOrDefault("b1", 0) >= 53 && answers.getOrDefault("b1", 0) <= 147, answers.toString());
            assertTrue(answers.getOrDefault("b2", 0) >= 325 && answers.getOrDefault("b2", 0) <= 475, answers.toString());
            assertTrue(answers.getOrDefault("b3", 0) >= 325 && answers.getOrDefault("b3", 0) <= 475, answers.toString());
        } else {
            assertEquals(Map.of("b1", 100, "b2", 400, "b3", 400), answers, "1:4:4, turn by turn");
        }
    }

    @Test
    void aDrainingAgentGetsNoNewFlowButKeepsItsOpenConnection() throws Exception {
        start(web(Algorithm.ROUND_ROBIN, HealthCheck.NONE, new LoadFeedback(AgentServers.PORT, 200, 0)));
        await("the agents' answers in force", b -> b.stream().allMatch(s -> "100%".equals(s.agent())));
        try (Socket kept = NetNs.get(lab.client, () -> {
            try {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(LbLab.VIP, 80), 5000);
                s.setSoTimeout(5000);
                return s;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        })) {
            String first = LbLab.keepAliveRequest(kept);
            int served = Integer.parseInt(first.substring(1)) - 1;
            agents.answer(served, "drain");
            await("the drain in force", b -> b.get(served).effectiveWeight() == 0);
            Map<String, Integer> answers = lab.requests(LbLab.CLIENTS.getFirst(), 90);
            assertEquals(0, answers.getOrDefault(first, 0), "no new flow to the drained " + first + ": " + answers);
            assertEquals(90, answers.values().stream().mapToInt(Integer::intValue).sum());
            assertEquals(first, LbLab.keepAliveRequest(kept), "the open connection still reaches its backend");
            agents.answer(served, "ready");
            await("the backend back", b -> b.get(served).effectiveWeight() == 1);
            assertEquals(30, lab.requests(LbLab.CLIENTS.getFirst(), 90).getOrDefault(first, 0));
        }
    }

    @Test
    void aBackendThatComesBackRampsUpOverItsSlowStart() throws Exception {
        start(web(Algorithm.WEIGHTED_ROUND_ROBIN, HealthCheck.tcp(100, 200, 2, 2), new LoadFeedback(0, 2000, 6000)));
        await("every backend up at full weight", b -> b.stream().allMatch(s -> s.healthy() && s.slowStartPercent() == 100));
        lab.stopServer(0);
        await("b1 down", b -> !b.get(0).healthy());
        lab.startServer(0);
        await("b1 up again", b -> b.get(0).healthy());
        // Three windows of the ramp: early, halfway, late; each 60 new connections.
        double[] shares = new double[3];
        int[][] windows = {{0, 30}, {40, 60}, {70, 90}};
        for (int w = 0; w < 3; w++) {
            int[] window = windows[w];
            await("the ramp at " + window[0] + " %", b -> b.get(0).slowStartPercent() >= window[0]);
            int progress = status(0).slowStartPercent();
            assertTrue(progress <= window[1], "the ramp went past the window " + window[0] + ".." + window[1] + " %: " + progress);
            shares[w] = lab.requests(LbLab.CLIENTS.getFirst(), 60).getOrDefault("b1", 0) / 60.0;
        }
        assertTrue(shares[0] < shares[1] && shares[1] < shares[2], "b1's share grows: " + java.util.Arrays.toString(shares));
        assertTrue(shares[0] < 0.2 && shares[2] < 1 / 3.0, "below its full third while ramping: " + java.util.Arrays.toString(shares));
        await("the ramp done", b -> b.get(0).slowStartPercent() == 100);
        assertEquals(20, lab.requests(LbLab.CLIENTS.getFirst(), 60).getOrDefault("b1", 0), "a full third once ramped");
        assertFalse(healthEvents.isEmpty());
    }

    /**
     * DeeTune's own agent (deetune.loadagent) in each backend namespace, measuring the CPU its "host" has: b1's CPU 1
     * is taken by a busy loop, b2 and b3 measure CPU 0. b1's share of new flows falls well below a third.
     */
    @Test
    void theShippedAgentLowersTheShareOfABackendWhoseCpuIsBusy() throws Exception {
        List<Process> processes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                processes.add(new ProcessBuilder("ip", "netns", "exec", lab.backends.get(i),
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                        "io.deetune.loadagent.LoadAgent", "--port", "9778", "--interval", "300", "--cpus", i == 0 ? "1" : "0")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            processes.add(new ProcessBuilder("taskset", "-c", "1", "nice", "-n", "-10", "sh", "-c", "while :; do :; done")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            start(web(Algorithm.WEIGHTED_ROUND_ROBIN, HealthCheck.NONE, new LoadFeedback(9778, 300, 0)));
            await("b1's agent reporting its busy CPU below the others", b -> b.stream().allMatch(s -> s.agent() != null)
                    && b.get(0).effectiveWeight() < 0.5 && b.get(1).effectiveWeight() > b.get(0).effectiveWeight()
                    && b.get(2).effectiveWeight() > b.get(0).effectiveWeight());
            Map<String, Integer> answers = lab.requests(LbLab.CLIENTS.getFirst(), 300);
            assertTrue(answers.getOrDefault("b1", 0) < 60, "b1 (busy CPU) took under a fifth of 300 new flows: " + answers + ", agents "
                    + engine.status().getFirst().backends().stream().map(BackendStatus::agent).toList());
            assertTrue(answers.getOrDefault("b2", 0) > answers.getOrDefault("b1", 0) && answers.getOrDefault("b3", 0) > answers.getOrDefault("b1", 0), answers.toString());
        } finally {
            processes.forEach(Process::destroy);
            for (Process p : processes) {
                p.waitFor();
            }
        }
    }
}

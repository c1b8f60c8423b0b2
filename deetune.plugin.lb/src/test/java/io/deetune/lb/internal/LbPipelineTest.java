package io.deetune.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.NetNs;
import io.deetune.bpf.testing.TestPins;
import io.deetune.core.api.Hook;
import io.deetune.core.api.StageInfo;
import io.deetune.core.internal.CoreHarness;
import io.deetune.lb.Algorithm;
import io.deetune.lb.Backend;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stage inside the core's real pipeline (dispatcher -> lb) on the LB namespace's interfaces: balancing works,
 * and a long-lived TCP connection keeps its backend across an update of the stage and a restart of the core.
 */
/* A guard against a hang (e.g. a health event that never comes), not a timing assertion. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LbPipelineTest {

    private LbLab lab;
    private TestPins pins;
    private CoreHarness core;

    @BeforeEach
    void setUp() {
        lab = new LbLab();
        for (int i = 0; i < 3; i++) {
            lab.startServer(i);
        }
        pins = TestPins.create("lbpipe");
        core = new CoreHarness(pins.dir());
    }

    /** The pipeline "lb" of {@code hook} on the LB's interfaces (attached, or adopted from the pins). */
    private void pipeline(Hook hook) {
        core.pipeline("lb", hook, lab.lbInterfaces.stream().map(ifname -> lab.lb + ":" + ifname).toArray(String[]::new));
    }

    @AfterEach
    void tearDown() {
        core.removePipeline("lb");
        core.close();
        pins.close();
        lab.close();
    }

    private LbStage stage(Hook hook) {
        LbStage stage = new LbStage(LbStageTest.config(LbConfig.class, Map.of("namespace", lab.lb, "deetune_stage_hook", hook.id())));
        List<Backend> backends = lab.backendAddresses.stream().map(a -> new Backend(InetAddress.ofLiteral(a), LbLab.BACKEND_PORT, 1)).toList();
        stage.putService(new VirtualService("web", InetAddress.ofLiteral(LbLab.VIP), 80, Protocol.TCP, Algorithm.ROUND_ROBIN, backends, HealthCheck.NONE));
        return stage;
    }

    private Socket connect() {
        return NetNs.get(lab.client, () -> {
            try {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(LbLab.VIP, 80), 2000);
                socket.setSoTimeout(3000);
                return socket;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"xdp", "tc-ingress"})
    void aLongLivedConnectionSurvivesAStageUpdateAndACoreRestart(String hookName) throws Exception {
        Hook hook = Hook.parse(hookName);
        pipeline(hook);
        LbStage first = stage(hook);
        core.stageAdded("lb", 400, hook, first);
        List<String> chain = core.get("lb").orElseThrow().chain().stream().map(StageInfo::name).toList();
        assertEquals(List.of("dispatcher", "lb"), chain);
        // 31, so that the long-lived connection takes turn 31 (b2): fresh maps would start again at b1.
        assertEquals(Map.of("b1", 11, "b2", 10, "b3", 10), lab.requests(LbLab.CLIENTS.getFirst(), 31), "round-robin through the pipeline");

        try (Socket longLived = connect()) {
            String backend = LbLab.keepAliveRequest(longLived);
            assertEquals("b2", backend);

            // The bundle is updated: the new stage object takes over the pinned maps within the grace time.
            LbStage second = stage(hook);
            core.stageRemoved("lb", 400, hook, first, false);
            first.deactivate();
            core.stageAdded("lb", 400, hook, second);
            assertEquals(backend, LbLab.keepAliveRequest(longLived), "same connection, same backend after the update");

            // The JVM goes away and comes back: the chain is adopted, the connection table too.
            core.restart();
            second.deactivate();
            pipeline(hook);
            LbStage third = stage(hook);
            core.stageAdded("lb", 400, hook, third);
            assertEquals(backend, LbLab.keepAliveRequest(longLived), "same connection, same backend after the restart");
            assertTrue(core.get("lb").orElseThrow().chain().stream().anyMatch(s -> s.name().equals("lb")));
            assertEquals(32, third.status().getFirst().newFlows(), "the counters carried over too");

            core.stageRemoved("lb", 400, hook, third, true);
            third.deactivate();
        }
    }
}

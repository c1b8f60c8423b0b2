package io.deetune.lb.internal;

import static io.deetune.bpf.testing.Packets.TCP_SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.TestRunResult;
import io.deetune.bpf.testing.Packets;
import io.deetune.core.api.StageMaps;
import io.deetune.lb.LbConfigException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.ComponentConstants;

/** The stage through the core's contract (object, configure, loaded, unloading) and the configuration component. */
class LbStageTest {

    /** An OSGi configuration annotation instance: given values, else the annotation's defaults (as DS does it). */
    @SuppressWarnings("unchecked")
    static <A> A config(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }

    private static StageMaps maps(BpfObject object) {
        return new StageMaps() {
            @Override public String stage() { return "lb"; }
            @Override public BpfMap map(String name) { return object.map(name); }
            @Override public Set<String> names() { return object.mapDefinitions().keySet(); }
        };
    }

    @Test
    void theCoreLoadsTheStageAndConfiguredServicesReachTheKernel() {
        LbStage stage = new LbStage(config(LbConfig.class, Map.of("forwarding", "pass", "flowTableSize", 4096)));
        try {
            Map<String, Object> web = new HashMap<>(Map.of("vip", LbDataPlaneTest.VIP, "port", 80,
                    "backends", new String[] {"10.1.0.1:8080", "10.1.0.2:8080 weight=2"}, "algorithm", "weighted-round-robin",
                    "felix.fileinstall.filename", "file:/opt/karaf/etc/io.deetune.lb.service-web.cfg"));
            LbServiceConfiguration configuration = new LbServiceConfiguration(stage, config(ServiceConfig.class, web), web);
            assertEquals("web", stage.services().getFirst().name(), "named after the configuration file");

            try (BpfObject object = BpfObject.open(stage.object(), "lb")) {
                stage.configure(object);
                assertEquals(4096, object.mapDefinitions().get("lb_flows").maxEntries());
                object.load();
                stage.loaded(maps(object));
                TestRunResult result = object.program(stage.program()).testRun(Packets.tcp(LbDataPlaneTest.CLIENT, 1000, LbDataPlaneTest.VIP, 80, TCP_SYN, new byte[0]));
                assertEquals(TestRunResult.XDP_PASS, result.retval());
                assertEquals("10.1.0.2", Packets.destinationAddress(result.output()).getHostAddress(), "weight 2 goes first");

                // A bad change is logged and changes nothing; a good one applies live.
                Map<String, Object> bad = new HashMap<>(web);
                bad.put("port", 70000);
                configuration.modified(config(ServiceConfig.class, bad), bad);
                assertEquals(80, stage.service("web").orElseThrow().port());
                Map<String, Object> moved = new HashMap<>(web);
                moved.put("port", 8080);
                configuration.modified(config(ServiceConfig.class, moved), moved);
                assertEquals(8080, stage.service("web").orElseThrow().port());
                byte[] oldPort = Packets.tcp(LbDataPlaneTest.CLIENT, 1001, LbDataPlaneTest.VIP, 80, TCP_SYN, new byte[0]);
                assertEquals(LbDataPlaneTest.VIP, Packets.destinationAddress(object.program(stage.program()).testRun(oldPort).output()).getHostAddress());

                // The bundle stops (an update, a shutdown): the service stays in the kernel for the next start.
                configuration.deactivate(ComponentConstants.DEACTIVATION_REASON_BUNDLE_STOPPED);
                assertEquals(8080, stage.service("web").orElseThrow().port());
                // The configuration is deleted: the service goes.
                configuration.deactivate(ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_DELETED);
                assertTrue(stage.services().isEmpty());
                stage.unloading(maps(object));
            }
            LbConfigException unknown = assertThrows(LbConfigException.class, () -> stage.removeBackend("nope", java.net.InetAddress.ofLiteral("10.1.0.1"), 80));
            assertEquals("service", unknown.field());
        } finally {
            stage.deactivate();
        }
    }

    @Test
    void aFlowTableResizeKeepsTheEstablishedFlows() {
        LbStage stage = new LbStage(config(LbConfig.class, Map.of("forwarding", "pass", "flowTableSize", 4096)));
        try {
            stage.putService(LbDataPlaneTest.service("web", LbDataPlaneTest.VIP, 80, io.deetune.lb.Protocol.TCP,
                    io.deetune.lb.Algorithm.ROUND_ROBIN, LbDataPlaneTest.BACKENDS));
            Map<Integer, String> bound = new HashMap<>();
            BpfObject small = BpfObject.open(stage.object(), "lb");
            stage.configure(small);
            small.load();
            stage.loaded(maps(small));
            for (int port = 1000; port < 1010; port++) {
                byte[] syn = Packets.tcp(LbDataPlaneTest.CLIENT, port, LbDataPlaneTest.VIP, 80, TCP_SYN, new byte[0]);
                bound.put(port, Packets.destinationAddress(Handshake.open(small.program(stage.program())::testRun, syn)).getHostAddress());
            }
            // flowTableSize changes: the core unloads the stage and loads it with new, bigger connection tables.
            stage.apply(config(LbConfig.class, Map.of("forwarding", "pass", "flowTableSize", 8192)));
            stage.unloading(maps(small));
            small.close(); // the old object and its maps are gone before the new one loads
            try (BpfObject big = BpfObject.open(stage.object(), "lb")) {
                stage.configure(big);
                big.load();
                assertEquals(8192, big.map("lb_flows").maxEntries());
                stage.loaded(maps(big));
                for (int port = 1000; port < 1010; port++) {
                    byte[] ack = Packets.tcp(LbDataPlaneTest.CLIENT, port, LbDataPlaneTest.VIP, 80, io.deetune.bpf.testing.Packets.TCP_ACK, new byte[10]);
                    assertEquals(bound.get(port), Packets.destinationAddress(big.program(stage.program()).testRun(ack).output()).getHostAddress(),
                            "flow " + port + " kept its backend across the resize");
                }
                stage.unloading(maps(big));
            }
        } finally {
            stage.deactivate();
        }
    }
}

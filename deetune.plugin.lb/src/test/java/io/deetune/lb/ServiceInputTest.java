package io.deetune.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.lb.internal.LbEngine;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input is rejected with the field named, and the running configuration stays as it was. */
class ServiceInputTest {

    private static final String[] BACKENDS = {"10.1.0.1:8080", "10.1.0.2:8080 weight=3"};

    private static LbConfigException reject(Runnable change) {
        return assertThrows(LbConfigException.class, change::run);
    }

    @Test
    void parsesServicesFromConfigurationValues() {
        VirtualService web = VirtualService.parse("web", "10.0.0.100", 80, "tcp", "weighted-round-robin", BACKENDS, HealthCheck.NONE);
        assertEquals(Algorithm.WEIGHTED_ROUND_ROBIN, web.algorithm());
        assertEquals(List.of(new Backend(InetAddress.ofLiteral("10.1.0.1"), 8080, 1), new Backend(InetAddress.ofLiteral("10.1.0.2"), 8080, 3)), web.backends());
        VirtualService v6 = VirtualService.parse("v6", "fd00::1", 443, "TCP", "maglev", new String[] {"[fd00:1::1]:8443"}, HealthCheck.NONE);
        assertEquals(8443, v6.backends().getFirst().port());
    }

    @Test
    void listPropertiesArriveInEveryFormKarafUses() {
        List<String> expected = List.of("10.1.0.1:8080", "10.1.0.2:8080 weight=3", "[fd00::1]:80");
        assertEquals(expected, Fields.entries(new String[] {"10.1.0.1:8080", "10.1.0.2:8080 weight=3", "[fd00::1]:80"}));
        assertEquals(expected, Fields.entries(new String[] {"10.1.0.1:8080, 10.1.0.2:8080 weight=3,[fd00::1]:80"}));
        assertEquals(expected, Fields.entries(new String[] {"[\"10.1.0.1:8080\", \"10.1.0.2:8080 weight=3\", \"[fd00::1]:80\"]"}));
        assertEquals(List.of(), Fields.entries(new String[] {""}));
    }

    @Test
    void eachBadFieldIsNamed() {
        LbConfigException algorithm = reject(() -> VirtualService.parse("web", "10.0.0.100", 80, "tcp", "random", BACKENDS, HealthCheck.NONE));
        assertEquals("service 'web'.algorithm", algorithm.field());
        assertTrue(algorithm.getMessage().contains("unknown algorithm 'random' (expected one of round-robin, weighted-round-robin, least-connections, source-hash, maglev)"), algorithm.getMessage());

        LbConfigException vip = reject(() -> VirtualService.parse("web", "example.com", 80, "tcp", "maglev", BACKENDS, HealthCheck.NONE));
        assertEquals("service 'web'.vip", vip.field());
        assertTrue(vip.getMessage().contains("'example.com' is not an IP address"));

        LbConfigException backend = reject(() -> VirtualService.parse("web", "10.0.0.100", 80, "tcp", "maglev", new String[] {"10.1.0.1:8080", "10.1.0.x:80"}, HealthCheck.NONE));
        assertEquals("service 'web'.backends[1]", backend.field());

        LbConfigException port = reject(() -> VirtualService.parse("web", "10.0.0.100", 70000, "tcp", "maglev", BACKENDS, HealthCheck.NONE));
        assertEquals("service 'web'.port", port.field());
        assertTrue(port.getMessage().contains("port 70000 is outside 1..65535"));

        LbConfigException backendPort = reject(() -> VirtualService.parse("web", "10.0.0.100", 80, "tcp", "maglev", new String[] {"10.1.0.1:0"}, HealthCheck.NONE));
        assertEquals("service 'web'.backends[0]", backendPort.field());
        assertTrue(backendPort.getMessage().contains("port 0 is outside 1..65535"));

        LbConfigException weight = reject(() -> VirtualService.parse("web", "10.0.0.100", 80, "tcp", "maglev", new String[] {"10.1.0.1:80 weight=-2"}, HealthCheck.NONE));
        assertEquals("service 'web'.backends[0].weight", weight.field());
        assertTrue(weight.getMessage().contains("weight -2 is negative"));

        LbConfigException family = reject(() -> VirtualService.parse("web", "10.0.0.100", 80, "tcp", "maglev", new String[] {"[fd00::1]:80"}, HealthCheck.NONE));
        assertEquals("service 'web'.backends[0].address", family.field());

        LbConfigException protocol = reject(() -> VirtualService.parse("web", "10.0.0.100", 80, "sctp", "maglev", BACKENDS, HealthCheck.NONE));
        assertEquals("service 'web'.protocol", protocol.field());
    }

    @Test
    void aHealthPathIsOneTokenOfPrintableText() {
        for (String bad : new String[] {"/x\r\nHost: evil", "/x\nfoo = bar", "/a\u0000", "/a b", "/caf\u00e9", "/x\u001b[31m"}) {
            LbConfigException e = reject(() -> VirtualService.parse("web", "10.0.0.100", 80, "tcp", "maglev", BACKENDS,
                    HealthCheck.http(bad, 1000, 500, 2, 2)));
            assertEquals("service 'web'.healthCheck.path", e.field());
            assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20), "the message itself must be one printable line: " + e.getMessage());
        }
        LbConfigException crlf = reject(() -> VirtualService.parse("web", "10.0.0.100", 80, "tcp", "maglev", BACKENDS,
                HealthCheck.http("/x\r\nHost: evil", 1000, 500, 2, 2)));
        assertTrue(crlf.getMessage().contains("'/x\\r\\nHost: evil' has a control character (U+000D) at position 3"), crlf.getMessage());
        // Even a TCP check's path is saved into the .cfg file.
        reject(() -> VirtualService.parse("web", "10.0.0.100", 80, "tcp", "maglev", BACKENDS, new HealthCheck("tcp", "/\n", 1000, 500, 2, 2)));
        assertEquals("/health%20check?full=1", VirtualService.parse("web", "10.0.0.100", 80, "tcp", "maglev", BACKENDS,
                HealthCheck.http("/health%20check?full=1", 1000, 500, 2, 2)).healthCheck().path());
    }

    @Test
    void inputQuotedInAMessageHasItsControlCharactersEscaped() {
        LbConfigException name = reject(() -> VirtualService.parse("we\nb", "10.0.0.100", 80, "tcp", "maglev", BACKENDS, HealthCheck.NONE));
        assertTrue(name.getMessage().contains("'we\\nb' is not a service name"), name.getMessage());
        LbConfigException backend = reject(() -> VirtualService.parse("web", "10.0.0.100", 80, "tcp", "maglev",
                new String[] {"10.1.0.1:80\r\nx"}, HealthCheck.NONE));
        assertTrue(backend.getMessage().chars().noneMatch(c -> c < 0x20), backend.getMessage());
        LbConfigException algorithm = reject(() -> VirtualService.parse("web", "10.0.0.100", 80, "tcp", "rr\u001b", BACKENDS, HealthCheck.NONE));
        assertTrue(algorithm.getMessage().contains("'rr\\u001B'"), algorithm.getMessage());
    }

    @Test
    void rejectedChangesLeaveTheRunningConfigurationUntouched() {
        LbEngine engine = new LbEngine((s, b, h, r) -> {});
        VirtualService web = VirtualService.parse("web", "10.0.0.100", 80, "tcp", "round-robin", BACKENDS, HealthCheck.NONE);
        engine.putService(web);

        VirtualService clash = VirtualService.parse("other", "10.0.0.100", 80, "tcp", "maglev", BACKENDS, HealthCheck.NONE);
        LbConfigException collision = reject(() -> engine.putService(clash));
        assertEquals("service 'other'.vip", collision.field());
        assertTrue(collision.getMessage().contains("10.0.0.100:80/tcp is already served by service 'web'"), collision.getMessage());
        // The same VIP and port over UDP is another service.
        engine.putService(VirtualService.parse("other", "10.0.0.100", 80, "udp", "maglev", BACKENDS, HealthCheck.NONE));

        reject(() -> engine.setWeight("web", InetAddress.ofLiteral("10.1.0.1"), 8080, -1));
        reject(() -> engine.addBackend("web", new Backend(InetAddress.ofLiteral("10.1.0.1"), 8080, 1))); // listed twice
        reject(() -> engine.addBackend("web", new Backend(InetAddress.ofLiteral("10.1.0.9"), 65536, 1)));
        reject(() -> engine.addBackend("nope", new Backend(InetAddress.ofLiteral("10.1.0.9"), 80, 1)));
        assertEquals(web, engine.service("web").orElseThrow());
        assertEquals(2, engine.services().size());
    }

    @Test
    void protocolAndAlgorithmNamesParse() {
        assertEquals(Protocol.UDP, Protocol.parse("udp"));
        assertEquals(Algorithm.LEAST_CONNECTIONS, Algorithm.parse("least-connections"));
        assertEquals("algorithm", reject(() -> Algorithm.parse(null)).field());
    }
}

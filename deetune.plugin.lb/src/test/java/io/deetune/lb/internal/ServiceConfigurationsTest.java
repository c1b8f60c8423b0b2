package io.deetune.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.deetune.lb.HealthCheck;
import io.deetune.lb.LoadFeedback;
import io.deetune.lb.VirtualService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a command writes back to a service's configuration reads back as the same service. */
class ServiceConfigurationsTest {

    /** Reads the properties the way {@link LbServiceConfiguration} does (Karaf hands .cfg values over as strings). */
    private static VirtualService readBack(Map<String, String> p) {
        return VirtualService.parse(LbServiceConfiguration.name(p), p.get("vip"), Integer.parseInt(p.get("port")), p.get("protocol"),
                p.get("algorithm"), new String[] {p.get("backends")},
                new HealthCheck(p.get("healthCheck"), p.get("healthPath"), Long.parseLong(p.get("healthIntervalMillis")),
                        Long.parseLong(p.get("healthTimeoutMillis")), Integer.parseInt(p.get("healthFall")),
                        Integer.parseInt(p.get("healthRise"))), p.get("snat"))
                .withFeedback(new LoadFeedback(Integer.parseInt(p.getOrDefault("agentPort", "0")),
                        Long.parseLong(p.getOrDefault("agentIntervalMillis", "2000")), Long.parseLong(p.getOrDefault("slowStartMillis", "0"))));
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        List<VirtualService> services = List.of(
                VirtualService.parse("web", "10.0.0.100", 80, "tcp", "weighted-round-robin",
                        new String[] {"10.11.1.2:8080 weight=3", "10.11.2.2:8080 weight=0", "10.11.3.2:8081"},
                        HealthCheck.http("/health", 750, 300, 3, 1)),
                VirtualService.parse("dns.v6", "fd00::100", 53, "udp", "maglev", new String[] {"[fd11:1::2]:5353", "[fd11:2::2]:5353 weight=2"},
                        HealthCheck.tcp(1000, 500, 2, 2), "fd00::1"),
                VirtualService.parse("empty", "10.0.0.101", 443, "tcp", "least-connections", new String[0], HealthCheck.NONE, "10.0.0.1"),
                VirtualService.parse("fed", "10.0.0.102", 80, "tcp", "maglev", new String[] {"10.11.1.2:8080 weight=4"}, HealthCheck.NONE)
                        .withFeedback(new LoadFeedback(9777, 500, 30_000)));
        for (VirtualService service : services) {
            Map<String, String> properties = ServiceConfigurations.properties(service);
            assertEquals(service, readBack(properties), properties.toString());
        }
    }

    @Test
    void backendsAreWrittenOnOneLineAsAHandWrittenFileHasThem() {
        VirtualService web = VirtualService.parse("web", "10.0.0.100", 80, "tcp", "round-robin",
                new String[] {"10.11.1.2:8080", "10.11.2.2:8080 weight=2"}, HealthCheck.NONE);
        Map<String, String> properties = ServiceConfigurations.properties(web);
        assertEquals("10.11.1.2:8080 weight=1, 10.11.2.2:8080 weight=2", properties.get("backends"));
        assertEquals("round-robin", properties.get("algorithm"));
        assertEquals("tcp", properties.get("protocol"));
        assertEquals(null, properties.get("agentPort"), "no load feedback, no lines for it: the file reads as before");
        assertEquals(null, properties.get("slowStartMillis"));
    }
}

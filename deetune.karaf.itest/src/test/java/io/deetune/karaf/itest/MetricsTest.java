package io.deetune.karaf.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * {@code /deetune/metrics}: a Karaf user scrapes it, nobody else; the scrape carries the pipelines', the LB's and the
 * firewall's counters with the labels a Prometheus user expects, and Prometheus's own {@code promtool check metrics}
 * accepts it as it is.
 */
public class MetricsTest extends PipelineLabTestBase {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public MetricsTest() {
        super("metrics", "10.77.0");
    }

    private HttpResponse<String> scrape(String credentials) throws Exception {
        Properties web = new Properties();
        Path etc = Path.of(System.getProperty("karaf.etc"));
        try (InputStream in = Files.newInputStream(etc.resolve("org.ops4j.pax.web.cfg"))) {
            web.load(in);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.getProperty("org.osgi.service.http.port")
                + "/deetune/metrics")).timeout(Duration.ofSeconds(20));
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> response = null;
        for (int attempt = 0; attempt < 300; attempt++) {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 404) {
                return response;
            }
            Thread.sleep(200);
        }
        return response;
    }

    private static String adminCredentials() throws Exception {
        return "admin:" + Files.readString(Path.of(System.getProperty("karaf.etc"), "admin.password")).strip();
    }

    @Test
    public void aScrapeNeedsAUserCarriesEveryPluginAndPassesPromtool() throws Exception {
        assertEquals(401, scrape(null).statusCode());
        admin("deetune:attach " + pipeline + " " + hosts.server() + ":veth-s");
        admin("lb:service-add metrics-web 10.77.0.100:80 10.77.0.2:8080");
        try {
            Await.until("the LB stage in pipeline " + pipeline, PATIENCE,
                    () -> pipelines.get(pipeline).map(p -> p.chain().stream().anyMatch(s -> s.name().equals("lb"))).orElse(false));
            HttpResponse<String> scrape = scrape(adminCredentials());
            assertEquals(scrape.body(), 200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            String body = scrape.body();
            assertTrue(body, body.contains("deetune_stage_packets_total{pipeline=\"" + pipeline + "\",stage=\"lb\",verdict=\"pass\"}"));
            assertTrue(body, body.contains("deetune_lb_backend_up{backend=\"10.77.0.2:8080\",service=\"metrics-web\"}"));
            assertTrue(body, body.contains("deetune_firewall_drops_total{reason=\"blocklist\"}"));
            assertTrue(body, body.contains("jvm_memory_used_bytes{area=\"heap\"}"));

            Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
            promtool.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            promtool.getOutputStream().close();
            String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue("promtool finished", promtool.waitFor(30, TimeUnit.SECONDS));
            assertEquals("promtool check metrics: " + verdict, 0, promtool.exitValue());
        } finally {
            admin("lb:service-remove metrics-web");
        }
    }
}

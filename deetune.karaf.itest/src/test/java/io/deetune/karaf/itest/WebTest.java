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
import org.junit.Test;

/** The REST API and the web console page answer Karaf's users, and nobody else. */
public class WebTest extends DistributionTestBase {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static String base() throws Exception {
        Properties web = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(System.getProperty("karaf.etc"), "org.ops4j.pax.web.cfg"))) {
            web.load(in);
        }
        return "http://127.0.0.1:" + web.getProperty("org.osgi.service.http.port");
    }

    /** GET with optional Basic credentials; retries (up to a minute on a busy box) while the HTTP side comes up. */
    private HttpResponse<String> get(String path, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10));
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> response = null;
        for (int attempt = 0; attempt < 300; attempt++) {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            boolean answeredByUs = response.body().contains("\"error\"");
            if (answeredByUs || (response.statusCode() != 404 && response.statusCode() != 503)) {
                return response;
            }
            Thread.sleep(200);
        }
        return response;
    }

    @Test
    public void restApiNeedsAKarafUser() throws Exception {
        assertEquals(401, get("/deetune/api/pipelines", null).statusCode());
        assertEquals(401, get("/deetune/api/pipelines", "admin:wrong").statusCode());
        HttpResponse<String> ok = get("/deetune/api/pipelines", "admin:deetune");
        assertEquals(200, ok.statusCode());
        assertTrue(ok.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(ok.body(), ok.body().trim().startsWith("["));
        HttpResponse<String> missing = get("/deetune/api/pipelines/no-such-pipeline", "admin:deetune");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body(), missing.body().contains("no pipeline 'no-such-pipeline'"));
    }

    @Test
    public void webConsoleShowsTheDeeTunePage() throws Exception {
        assertEquals(401, get("/system/console/deetune", null).statusCode());
        HttpResponse<String> page = get("/system/console/deetune", "admin:deetune");
        assertEquals(200, page.statusCode());
        assertTrue(page.body(), page.body().contains("/deetune/api/pipelines"));
    }
}

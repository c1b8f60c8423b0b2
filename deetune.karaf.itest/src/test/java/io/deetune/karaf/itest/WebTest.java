package io.deetune.karaf.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.junit.Test;

/**
 * The REST API and the web console page answer Karaf's users, and nobody else: every method of every path, through
 * real HTTP requests; failed logins are throttled per client address.
 */
public class WebTest extends DistributionTestBase {

    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE");
    private static final List<String> PATHS = List.of("/deetune/api/v1/pipelines", "/deetune/api/v1/pipelines/default",
            "/deetune/api/v1/lb/services", "/deetune/api/v1/firewall/rules", "/deetune/api/v1", "/deetune/api/",
            "/deetune/api/v1/no-such-resource", "/system/console/deetune");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static String base() throws Exception {
        Properties web = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(System.getProperty("karaf.etc"), "org.ops4j.pax.web.cfg"))) {
            web.load(in);
        }
        return "http://127.0.0.1:" + web.getProperty("org.osgi.service.http.port");
    }

    /** admin and the password Karaf generated at its first start. */
    private static String admin() throws Exception {
        return "admin:" + Files.readString(Path.of(System.getProperty("karaf.etc"), "admin.password")).strip();
    }

    private HttpResponse<String> get(String path, String credentials) throws Exception {
        return send(http, "GET", path, credentials);
    }

    /**
     * One request with optional Basic credentials; retries (up to a minute on a busy box) while the HTTP side comes up
     * (404 or 503 not from us).
     */
    private static HttpResponse<String> send(HttpClient client, String method, String path, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> response = null;
        for (int attempt = 0; attempt < 300; attempt++) {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
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
        assertEquals(401, get("/deetune/api/v1/pipelines", null).statusCode());
        assertEquals(401, get("/deetune/api/v1/pipelines", "admin:wrong").statusCode());
        assertEquals(401, get("/deetune/api/v1/pipelines", "admin:deetune").statusCode()); // the password of old
        HttpResponse<String> ok = get("/deetune/api/v1/pipelines", admin());
        assertEquals(200, ok.statusCode());
        assertTrue(ok.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(ok.body(), ok.body().trim().startsWith("["));
        HttpResponse<String> missing = get("/deetune/api/v1/pipelines/no-such-pipeline", admin());
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body(), missing.body().contains("no pipeline 'no-such-pipeline'"));
    }

    @Test
    public void everyMethodOfEveryPathNeedsAKarafUser() throws Exception {
        get("/deetune/api/v1/pipelines", admin()); // the HTTP side is up
        for (String path : PATHS) {
            for (String method : METHODS) {
                HttpResponse<String> anonymous = send(http, method, path, null);
                String what = method + " " + path + " without credentials: " + anonymous.statusCode() + " " + anonymous.body();
                if (method.equals("TRACE")) {
                    // Jetty refuses TRACE for the whole server before any context sees it: nothing is served.
                    assertTrue(what, anonymous.statusCode() == 401 || anonymous.statusCode() == 405);
                    assertFalse(what, anonymous.body().contains("TRACE " + path));
                } else {
                    assertEquals(what, 401, anonymous.statusCode());
                }
            }
        }
    }

    @Test
    public void methodsTheApiDoesNotServeAreRefusedAndNothingEchoesCredentials() throws Exception {
        for (String method : List.of("PATCH", "TRACE")) {
            HttpResponse<String> refused = send(http, method, "/deetune/api/v1/pipelines", admin());
            assertEquals(method + ": " + refused.body(), 405, refused.statusCode());
            assertFalse(method + " echoed the credentials", refused.body().contains("Authorization"));
        }
        HttpResponse<String> options = send(http, "OPTIONS", "/deetune/api/v1/pipelines", admin());
        assertEquals(200, options.statusCode());
        assertFalse(options.headers().firstValue("Allow").orElse(""), options.headers().firstValue("Allow").orElse("").contains("TRACE"));
    }

    @Test
    public void failedLoginsAreThrottledPerClientAddress() throws Exception {
        get("/deetune/api/v1/pipelines", admin()); // the HTTP side is up
        // A client address of its own (the loopback network is 127/8), so that the other tests' logins stay free.
        HttpClient guesser = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.3"))
                .connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 5; i++) {
            assertEquals("failure " + (i + 1), 401, send(guesser, "GET", "/deetune/api/v1/pipelines", "admin:guess" + i).statusCode());
        }
        HttpResponse<String> throttled = send(guesser, "GET", "/deetune/api/v1/pipelines", "admin:guess5");
        assertEquals(401, throttled.statusCode()); // the sixth failure: from now on the address waits
        HttpResponse<String> blocked = send(guesser, "GET", "/deetune/api/v1/pipelines", admin());
        assertEquals("even the right password waits", 429, blocked.statusCode());
        assertTrue(blocked.headers().firstValue("Retry-After").isPresent());
        assertEquals("other addresses are not throttled", 200, get("/deetune/api/v1/pipelines", admin()).statusCode());
    }

    @Test
    public void webConsoleShowsTheDeeTunePage() throws Exception {
        assertEquals(401, get("/system/console/deetune", null).statusCode());
        HttpResponse<String> page = get("/system/console/deetune", admin());
        assertEquals(200, page.statusCode());
        assertTrue(page.body(), page.body().contains("/deetune/api/v1/pipelines"));
    }
}

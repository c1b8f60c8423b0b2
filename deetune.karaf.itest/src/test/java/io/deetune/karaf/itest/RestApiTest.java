package io.deetune.karaf.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * The REST API's writes, through real HTTP against the running distribution: an LB service's life (create, read with
 * its entity tag, lost update refused, backend added and drained, deleted) lands in its cfg file and in the kernel's
 * maps; bad input of every kind is refused with a 4xx naming the field and changes neither the cfg files nor the
 * kernel maps; a viewer reads but cannot write, nor can a cross-site page; a dry run applies nothing.
 */
public class RestApiTest extends PipelineLabTestBase {

    private static final String API = "/deetune/api/v1";
    private static final Pattern ETAG = Pattern.compile("\"[0-9a-f]+\"");
    /** Debian installs bpftool in /usr/sbin, which the PATH of a test's Karaf may lack. */
    private static final String BPFTOOL = Stream.of("/usr/sbin/bpftool", "/sbin/bpftool", "/usr/bin/bpftool")
            .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse("bpftool");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public RestApiTest() {
        super("rest", "10.78.0");
    }

    private static String base() throws IOException {
        Properties web = new Properties();
        try (InputStream in = Files.newInputStream(etc().resolve("org.ops4j.pax.web.cfg"))) {
            web.load(in);
        }
        return "http://127.0.0.1:" + web.getProperty("org.osgi.service.http.port");
    }

    private static Path etc() {
        return Path.of(System.getProperty("karaf.etc"));
    }

    private static String adminCredentials() throws IOException {
        return "admin:" + Files.readString(etc().resolve("admin.password")).strip();
    }

    private HttpResponse<String> send(String method, String path, String credentials, String json, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = null;
        for (int attempt = 0; attempt < 300; attempt++) {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            // While the whiteboard comes up, Jetty answers 404 without our error body.
            if (response.statusCode() != 404 || response.body().contains("\"error\"")) {
                return response;
            }
            Thread.sleep(200);
        }
        return response;
    }

    /** A request with a text/plain body, as the admin. */
    private HttpResponse<String> sendText(String method, String path, String text, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.ofString(text)).header("Content-Type", "text/plain; charset=UTF-8")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(adminCredentials().getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> asAdmin(String method, String path, String json, String... headers) throws Exception {
        return send(method, path, adminCredentials(), json, headers);
    }

    private static String service(String name, String vip, String port, String extra) {
        return "{\"name\":\"" + name + "\",\"vip\":\"" + vip + "\",\"port\":" + port + ",\"protocol\":\"tcp\","
                + "\"algorithm\":\"round-robin\",\"backends\":[{\"address\":\"10.78.0.2\",\"port\":8080}]" + extra + "}";
    }

    /** Every cfg file of etc/ with its content, to show that a refused request wrote nothing. */
    private static Map<String, String> cfgFiles() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.list(etc())) {
            for (Path p : all.filter(p -> p.toString().endsWith(".cfg")).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return files;
    }

    /**
     * The content of the state maps that hold what the API configures (the LB's services, backends and rings, the
     * firewall's rule tables, sets and blocklist), as bpftool dumps them; counters, flows and the egress ports change
     * on their own and are left out.
     */
    private static Map<String, String> lbMaps() throws Exception {
        Map<String, String> maps = new TreeMap<>();
        Path stages = Path.of(DeeTuneDistribution.PIN_ROOT, "stages");
        for (String map : List.of("lb/lb_services", "lb/lb_backends", "lb/lb_rings", "firewall/fw_rule_tables4",
                "firewall/fw_rule_tables6", "firewall/fw_sets", "firewall/fw_active", "firewall/fw_blocklist")) {
            Path pin = stages.resolve(map);
            if (!Files.exists(pin)) {
                continue;
            }
            Process p = new ProcessBuilder(BPFTOOL, "-j", "map", "dump", "pinned", pin.toString()).redirectErrorStream(true).start();
            maps.put(map, new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            p.waitFor();
        }
        return maps;
    }

    /** The names of the maps whose content differs (a whole dump is too long for a failure message). */
    private static List<String> changed(Map<String, String> before, Map<String, String> after) {
        TreeSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        return names.stream().filter(n -> !java.util.Objects.equals(before.get(n), after.get(n))).toList();
    }

    private static Map<String, String> lbMapsQuietly() {
        try {
            return lbMaps();
        } catch (Exception e) {
            return Map.of();
        }
    }

    /** Reads the pipeline through the API until its JSON satisfies {@code condition}; fails with the last one read. */
    private HttpResponse<String> awaitPipeline(java.util.function.Predicate<String> condition) throws Exception {
        java.time.Instant deadline = java.time.Instant.now().plus(PATIENCE);
        HttpResponse<String> read;
        do {
            read = asAdmin("GET", API + "/pipelines/" + pipeline, null);
            if (read.statusCode() == 200 && condition.test(read.body())) {
                return read;
            }
            Thread.sleep(200);
        } while (java.time.Instant.now().isBefore(deadline));
        throw new AssertionError("pipeline " + pipeline + " never became as expected; last read: " + read.statusCode() + " " + read.body());
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String etag(HttpResponse<String> response) {
        String tag = response.headers().firstValue("ETag").orElse("");
        Matcher m = ETAG.matcher(tag);
        assertTrue("an entity tag: '" + tag + "'", m.find());
        return m.group();
    }

    @Test
    public void anLbServiceLivesThroughTheApiInItsCfgFileAndTheKernel() throws Exception {
        admin("deetune:attach " + pipeline + " " + hosts.server() + ":veth-s");
        Path cfg = etc().resolve("io.deetune.lb.service-rest-web.cfg");
        Await.until("the LB stage's maps", PATIENCE, () -> lbMapsQuietly().containsKey("lb/lb_services"));
        Map<String, String> mapsBefore = lbMaps();
        HttpResponse<String> created = asAdmin("POST", API + "/lb/services", service("rest-web", "10.78.0.100", "80", ""));
        assertEquals(created.body(), 201, created.statusCode());
        Await.until("the service in its cfg file", PATIENCE, () -> read(cfg).contains("10.78.0.100"));
        Await.until("the service in the LB maps", PATIENCE, () -> !lbMapsQuietly().equals(mapsBefore));

        HttpResponse<String> read = asAdmin("GET", API + "/lb/services/rest-web", null);
        assertEquals(200, read.statusCode());
        String tag = etag(read);
        HttpResponse<String> again = asAdmin("POST", API + "/lb/services", service("rest-web", "10.78.0.100", "80", ""));
        assertEquals("a second create of the same name conflicts", 409, again.statusCode());

        HttpResponse<String> backend = asAdmin("POST", API + "/lb/services/rest-web/backends", "{\"address\":\"10.78.0.2\",\"port\":8081,\"weight\":3}");
        assertEquals(backend.body(), 200, backend.statusCode());
        Await.until("the new backend in the cfg file", PATIENCE, () -> read(cfg).contains("8081"));
        HttpResponse<String> lost = asAdmin("PUT", API + "/lb/services/rest-web", service("rest-web", "10.78.0.100", "81", ""), "If-Match", tag);
        assertEquals("a write based on an old read is refused: " + lost.body(), 412, lost.statusCode());
        assertFalse(Files.readString(cfg).contains("port = 81"));

        HttpResponse<String> drained = asAdmin("POST", API + "/lb/services/rest-web/backends/10.78.0.2:8081/drain", null);
        assertEquals(drained.body(), 200, drained.statusCode());
        assertTrue(drained.body(), drained.body().replaceAll("\\s", "").contains("\"port\":8081,\"weight\":0"));
        HttpResponse<String> current = asAdmin("GET", API + "/lb/services/rest-web", null);
        HttpResponse<String> changed = asAdmin("PUT", API + "/lb/services/rest-web", service("rest-web", "10.78.0.100", "81", ""), "If-Match", etag(current));
        assertEquals(changed.body(), 200, changed.statusCode());

        // Load feedback: an agent port and a slow start land in the cfg file and read back; the agent's answer shows.
        HttpResponse<String> fed = asAdmin("GET", API + "/lb/services/rest-web", null);
        HttpResponse<String> withFeedback = asAdmin("PUT", API + "/lb/services/rest-web", service("rest-web", "10.78.0.100", "81",
                ",\"agentPort\":9777,\"agentIntervalMillis\":500,\"slowStartMillis\":30000"), "If-Match", etag(fed));
        assertEquals(withFeedback.body(), 200, withFeedback.statusCode());
        Await.until("the load feedback in the cfg file", PATIENCE, () -> read(cfg).contains("agentPort") && read(cfg).contains("slowStartMillis"));
        String feedback = asAdmin("GET", API + "/lb/services/rest-web", null).body().replaceAll("\\s", "");
        assertTrue(feedback, feedback.contains("\"agentPort\":9777") && feedback.contains("\"slowStartMillis\":30000"));
        HttpResponse<String> badAgent = asAdmin("PUT", API + "/lb/services/rest-web", service("rest-web", "10.78.0.100", "81",
                ",\"agentPort\":70000"));
        assertEquals(badAgent.body(), 422, badAgent.statusCode());
        assertTrue(badAgent.body(), badAgent.body().contains("agentPort"));
        assertTrue(read(cfg), read(cfg).contains("agentPort = 9777"));

        HttpResponse<String> flows = asAdmin("GET", API + "/lb/services/rest-web/flows?limit=10", null);
        assertEquals(flows.body(), 200, flows.statusCode());
        assertTrue(flows.body(), flows.body().contains("\"total\""));
        assertEquals(200, asAdmin("GET", API + "/lb/stats", null).statusCode());

        assertEquals(204, asAdmin("DELETE", API + "/lb/services/rest-web", null).statusCode());
        Await.until("the cfg file to go with the service", PATIENCE, () -> !Files.exists(cfg));
        assertEquals(404, asAdmin("GET", API + "/lb/services/rest-web", null).statusCode());
    }

    /**
     * Backends added and removed through the API in a fast loop end as the last write said, in the LB, its cfg file and
     * the kernel, also after File Install polled etc/ a few times: a poll that read an older file once put an older
     * configuration back (2 of 75 removals came back when the file had two writers, seen in the API benchmark).
     */
    @Test
    public void backendsChangedInAFastLoopStayAsTheLastWriteSaid() throws Exception {
        admin("deetune:attach " + pipeline + " " + hosts.server() + ":veth-s");
        Path cfg = etc().resolve("io.deetune.lb.service-rest-loop.cfg");
        Await.until("the LB stage's maps", PATIENCE, () -> lbMapsQuietly().containsKey("lb/lb_services"));
        HttpResponse<String> created = asAdmin("POST", API + "/lb/services",
                service("rest-loop", "10.78.0.102", "80", ",\"healthCheck\":{\"type\":\"none\"}"));
        assertEquals(created.body(), 201, created.statusCode());
        TreeSet<Integer> expected = new TreeSet<>(List.of(8080));
        // Each backend is removed right after it was added (every eighth stays): a pair of writes a few ms apart,
        // as a script makes them, is where a stale read of the file brought the removed backend back.
        for (int port = 9000; port < 9040; port++) {
            HttpResponse<String> added = asAdmin("POST", API + "/lb/services/rest-loop/backends",
                    "{\"address\":\"10.78.0.2\",\"port\":" + port + "}");
            assertEquals(added.body(), 200, added.statusCode());
            if (port % 8 == 0) {
                expected.add(port);
                continue;
            }
            HttpResponse<String> removed = asAdmin("DELETE", API + "/lb/services/rest-loop/backends/10.78.0.2:" + port, null);
            assertEquals(removed.body(), 204, removed.statusCode());
        }
        // File Install polls etc/ every second: give a late, stale read time to do harm.
        Thread.sleep(4000);
        assertEquals("the LB's backends", expected, ports(asAdmin("GET", API + "/lb/services/rest-loop", null).body(), "\"port\"\\s*:\\s*(\\d+)"));
        Matcher line = Pattern.compile("(?m)^backends\\s*=\\s*(.*)$").matcher(Files.readString(cfg));
        assertTrue(Files.readString(cfg), line.find());
        assertEquals("the cfg file's backends", expected, ports(line.group(1), ":(\\d+)"));
        // Other tests' services may hold backends on other ports; this one alone uses 9000-9099.
        assertEquals("the kernel's live backends", expected.subSet(9000, 9100), liveKernelBackendPorts().subSet(9000, 9100));
        assertEquals(204, asAdmin("DELETE", API + "/lb/services/rest-loop", null).statusCode());
    }

    /** The ports that {@code pattern}'s first group finds in {@code text}, less the VIP's port 80. */
    private static TreeSet<Integer> ports(String text, String pattern) {
        TreeSet<Integer> ports = new TreeSet<>();
        Matcher m = Pattern.compile(pattern).matcher(text);
        while (m.find()) {
            ports.add(Integer.parseInt(m.group(1)));
        }
        ports.remove(80);
        return ports;
    }

    /** The ports of the backends the kernel holds as up ({@code struct lb_backend}: port in network order, flag 1). */
    private static TreeSet<Integer> liveKernelBackendPorts() throws Exception {
        Path pin = Path.of(DeeTuneDistribution.PIN_ROOT, "stages", "lb", "lb_backends");
        Process p = new ProcessBuilder(BPFTOOL, "-j", "map", "dump", "pinned", pin.toString()).redirectErrorStream(true).start();
        String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        TreeSet<Integer> ports = new TreeSet<>();
        Matcher m = Pattern.compile("\"port\"\\s*:\\s*(\\d+)\\s*,\\s*\"family\"\\s*:\\s*\\d+\\s*,\\s*\"flags\"\\s*:\\s*(\\d+)").matcher(dump);
        while (m.find()) {
            if ((Integer.parseInt(m.group(2)) & 1) != 0) {
                ports.add(Short.toUnsignedInt(Short.reverseBytes((short) Integer.parseInt(m.group(1)))));
            }
        }
        assertFalse("lb_backends dumped with its BTF: " + dump.substring(0, Math.min(300, dump.length())), ports.isEmpty());
        return ports;
    }

    @Test
    public void badInputIsRefusedNamingTheFieldAndChangesNeitherFilesNorMaps() throws Exception {
        admin("deetune:attach " + pipeline + " " + hosts.server() + ":veth-s");
        Await.until("the LB stage's maps", PATIENCE, () -> lbMapsQuietly().containsKey("lb/lb_services"));
        assertEquals(201, asAdmin("POST", API + "/lb/services", service("rest-keep", "10.78.0.101", "80", "")).statusCode());
        Map<String, String> files = cfgFiles();
        Map<String, String> maps = lbMaps();
        record Bad(String method, String path, String body, int status, String field) {}
        List<Bad> cases = new ArrayList<>(List.of(
                new Bad("POST", "/lb/services", "{\"name\":\"x\",", 400, null),
                new Bad("POST", "/lb/services", service("rest-x", "10.78.0.102", "80", ",\"colour\":\"red\""), 400, "colour"),
                new Bad("POST", "/lb/services", service("rest-x", "10.78.0.102", "\"80\"", ""), 400, "port"),
                new Bad("POST", "/lb/services", service("rest-x", "10.78.0.102", "70000", ""), 422, "port"),
                new Bad("POST", "/lb/services", service("rest-x", "10.78.0.300", "80", ""), 422, "vip"),
                new Bad("POST", "/lb/services", service("rest-x", "10.78.0.102", "80", "").replace("round-robin", "fastest"), 422, "algorithm"),
                new Bad("POST", "/lb/services", service("rest-x", "10.78.0.101", "80", ""), 422, "vip"),
                new Bad("POST", "/lb/services", service("../etc", "10.78.0.102", "80", ""), 422, "name"),
                new Bad("POST", "/lb/services", service("a/b", "10.78.0.102", "80", ""), 422, "name"),
                new Bad("POST", "/lb/services/rest-keep/backends", "{\"address\":\"10.78.0.2\",\"port\":70000}", 422, "port"),
                new Bad("PUT", "/lb/services/rest-keep/backends/10.78.0.2:8080/weight", "{\"weight\":5000}", 422, "weight"),
                new Bad("POST", "/pipelines", "{\"name\":\"rest2\",\"interfaces\":[\"" + hosts.server() + ":nosuch0\"]}", 422, "interfaces[0]"),
                new Bad("POST", "/pipelines", "{\"name\":\"../x\",\"interfaces\":[]}", 422, "name"),
                new Bad("POST", "/pipelines", "{\"name\":\"rest2\",\"hook\":\"tc-sideways\"}", 422, "hook"),
                new Bad("POST", "/firewall/rules", "{\"rule\":\"deny proto tcp dport 22 src 10.0.0.0/33\"}", 422, "rule"),
                new Bad("POST", "/firewall/blocklist", "{\"cidr\":\"10.1.2.3/40\"}", 422, "cidr"),
                new Bad("PUT", "/firewall/policy", "{\"policy\":\"maybe\"}", 422, "policy")));
        for (Bad bad : cases) {
            HttpResponse<String> refused = asAdmin(bad.method(), API + bad.path(), bad.body());
            String what = bad.method() + " " + bad.path() + " " + bad.body() + " -> " + refused.statusCode() + " " + refused.body();
            assertEquals(what, bad.status(), refused.statusCode());
            assertTrue(what, refused.body().contains("\"error\""));
            if (bad.field() != null) {
                assertTrue(what, refused.body().replaceAll("\\s", "").contains("\"field\":\"" + bad.field() + "\""));
            }
        }
        assertEquals("no cfg file changed", files, cfgFiles());
        assertEquals("maps changed by refused requests", List.of(), changed(maps, lbMaps()));
        assertEquals(204, asAdmin("DELETE", API + "/lb/services/rest-keep", null).statusCode());
    }

    @Test
    public void aDryRunChecksEverythingAndAppliesNothing() throws Exception {
        Map<String, String> files = cfgFiles();
        HttpResponse<String> dry = asAdmin("POST", API + "/lb/services?dryRun=true", service("rest-dry", "10.78.0.103", "80", ""));
        assertEquals(dry.body(), 200, dry.statusCode());
        HttpResponse<String> dryBad = asAdmin("POST", API + "/lb/services?dryRun=true", service("rest-dry", "10.78.0.103", "0", ""));
        assertEquals(dryBad.body(), 422, dryBad.statusCode());
        HttpResponse<String> dryPipeline = asAdmin("POST", API + "/pipelines?dryRun=true",
                "{\"name\":\"rest3\",\"hook\":\"tc-ingress\",\"interfaces\":[\"" + hosts.server() + ":veth-s\"]}");
        assertEquals(dryPipeline.body(), 200, dryPipeline.statusCode());
        assertEquals(404, asAdmin("GET", API + "/lb/services/rest-dry", null).statusCode());
        assertEquals(404, asAdmin("GET", API + "/pipelines/rest3", null).statusCode());
        assertEquals(files, cfgFiles());
    }

    @Test
    public void aPipelineIsCreatedChangedAndDeletedThroughItsConfiguration() throws Exception {
        String iface = hosts.server() + ":veth-s";
        HttpResponse<String> created = asAdmin("POST", API + "/pipelines", "{\"name\":\"" + pipeline + "\",\"hook\":\"tc-ingress\",\"interfaces\":[\"" + iface + "\"]}");
        assertEquals(created.body(), 201, created.statusCode());
        HttpResponse<String> read = awaitPipeline(body -> body.contains(iface) && body.contains("dispatcher"));
        assertTrue(read.body(), read.body().contains("TC_INGRESS"));
        HttpResponse<String> emptied = asAdmin("PUT", API + "/pipelines/" + pipeline + "/interfaces", "[]", "If-Match", etag(read));
        assertEquals(emptied.body(), 200, emptied.statusCode());
        awaitPipeline(body -> body.replaceAll("\\s", "").contains("\"interfaces\":[]"));
        assertEquals(204, asAdmin("DELETE", API + "/pipelines/" + pipeline, null).statusCode());
        Await.until("the pipeline gone", PATIENCE, () -> pipelines.get(pipeline).isEmpty());
    }

    @Test
    public void aViewerReadsButOnlyAnAdminWritesAndNeverFromAnotherSite() throws Exception {
        Path users = etc().resolve("users.properties");
        String original = Files.readString(users);
        Files.writeString(users, original + System.lineSeparator() + "rest-viewer = viewer-pw-7,viewer" + System.lineSeparator());
        try {
            assertEquals(200, send("GET", API + "/lb/services", "rest-viewer:viewer-pw-7", null).statusCode());
            HttpResponse<String> write = send("POST", API + "/lb/services", "rest-viewer:viewer-pw-7", service("rest-v", "10.78.0.104", "80", ""));
            assertEquals(write.body(), 403, write.statusCode());
            assertTrue(write.body(), write.body().contains("admin"));
            HttpResponse<String> crossSite = asAdmin("POST", API + "/lb/services", service("rest-v", "10.78.0.104", "80", ""),
                    "Origin", "http://attacker.example");
            assertEquals(crossSite.body(), 403, crossSite.statusCode());
            assertEquals(404, asAdmin("GET", API + "/lb/services/rest-v", null).statusCode());
        } finally {
            Files.writeString(users, original);
        }
    }

    @Test
    public void firewallRulesPolicyAndBlocklistChangeThroughTheApi() throws Exception {
        HttpResponse<String> added = asAdmin("POST", API + "/firewall/rules", "{\"rule\":\"deny proto udp dport 9999 priority 5\"}");
        assertEquals(added.body(), 201, added.statusCode());
        Matcher number = Pattern.compile("\"number\"\\s*:\\s*(\\d+)").matcher(added.body());
        assertTrue(added.body(), number.find());
        assertTrue(asAdmin("GET", API + "/firewall/rules", null).body().contains("dport 9999"));
        assertEquals(204, asAdmin("DELETE", API + "/firewall/rules/" + number.group(1), null).statusCode());
        assertEquals(404, asAdmin("DELETE", API + "/firewall/rules/" + number.group(1), null).statusCode());

        assertEquals(200, asAdmin("PUT", API + "/firewall/policy", "{\"policy\":\"allow\"}").statusCode());
        assertTrue(asAdmin("GET", API + "/firewall/policy", null).body().contains("allow"));

        // The rule set as text: the rules file, replaced whole or not at all.
        Path rulesFile = etc().resolve("rest-rules.txt");
        Files.writeString(rulesFile, "deny proto udp dport 9998 priority 7\n");
        admin("config:property-set -p io.deetune.firewall rules.file rest-rules.txt");
        try {
            java.time.Instant deadline = java.time.Instant.now().plus(PATIENCE);
            HttpResponse<String> ruleset = asAdmin("GET", API + "/firewall/ruleset", null);
            while (ruleset.statusCode() != 200 && java.time.Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
                ruleset = asAdmin("GET", API + "/firewall/ruleset", null);
            }
            assertEquals(ruleset.body(), 200, ruleset.statusCode());
            assertTrue(ruleset.body(), ruleset.body().contains("dport 9998"));
            HttpResponse<String> oneBadLine = sendText("PUT", API + "/firewall/ruleset",
                    "deny proto udp dport 9997 priority 7\ndeny proto udp dport 99999 priority 8\n");
            assertEquals(oneBadLine.body(), 422, oneBadLine.statusCode());
            assertTrue(oneBadLine.body(), oneBadLine.body().contains("99999"));
            assertEquals("the file stays as it was", "deny proto udp dport 9998 priority 7\n", Files.readString(rulesFile));
            HttpResponse<String> replaced = sendText("PUT", API + "/firewall/ruleset", "deny proto udp dport 9996 priority 7\n",
                    "If-Match", etag(ruleset));
            assertEquals(replaced.body(), 200, replaced.statusCode());
            assertEquals("deny proto udp dport 9996 priority 7\n", Files.readString(rulesFile));
            String rules = asAdmin("GET", API + "/firewall/rules", null).body();
            assertTrue(rules, rules.contains("dport 9996") && !rules.contains("dport 9998"));
            HttpResponse<String> stale = sendText("PUT", API + "/firewall/ruleset", "", "If-Match", etag(ruleset));
            assertEquals("a write based on an old read is refused", 412, stale.statusCode());
        } finally {
            admin("config:property-delete -p io.deetune.firewall rules.file");
            Files.deleteIfExists(rulesFile);
        }

        HttpResponse<String> blocked = asAdmin("POST", API + "/firewall/blocklist", "{\"cidr\":\"192.0.2.0/24\",\"ttlSeconds\":600}");
        assertEquals(blocked.body(), 201, blocked.statusCode());
        assertTrue(asAdmin("GET", API + "/firewall/blocklist", null).body().contains("192.0.2.0/24"));
        assertEquals(204, asAdmin("DELETE", API + "/firewall/blocklist/192.0.2.0_24", null).statusCode());
        assertFalse(asAdmin("GET", API + "/firewall/blocklist", null).body().contains("192.0.2.0/24"));
    }
}

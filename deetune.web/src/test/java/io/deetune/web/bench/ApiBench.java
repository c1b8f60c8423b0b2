package io.deetune.web.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The steps of {@code bench/api.sh} against a running DeeTune, as the user admin:
 * {@code ApiBench <context url> <password file> <command> <args...>}, the context URL being
 * {@code http://127.0.0.1:<port>/deetune}. Commands:
 * <ul>
 * <li>{@code pipeline <name> <[ns:]ifname> <stage>...}: creates an XDP pipeline and waits for the stages in its chain;
 * {@code delete-pipeline <name>} removes it and waits until it is gone;</li>
 * <li>{@code rules <count>}: adds that many firewall rules, one POST each;</li>
 * <li>{@code services <prefix> <count> <backends> <vip /16> <backend /16>}: adds services {@code prefix-1..count},
 * VIP {@code <vip /16>.0.k:80}, backends {@code <backend /16>.k.j:8080} (j from 1; at most 64, the LB's limit);</li>
 * <li>{@code get <rate> <seconds> <warm-up seconds> <path>...}: GETs at a fixed rate (see {@link FixedRateLoad});</li>
 * <li>{@code write <service> <vip> <rounds> <lb pin dir>}: per round adds a backend and measures until the kernel
 * maps serve it (see {@link KernelBackendProbe}), then removes it again and lets the configuration settle, counting
 * the times a removed backend came back; three rounds before those are not counted (the first one is printed);</li>
 * <li>{@code scrape <times>}: GETs /metrics one after another, counting its series.</li>
 * </ul>
 * Figures go to stdout as {@code key=value} lines.
 */
public final class ApiBench {

    private static final String API = "/api/v1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration SLOW_WRITE = Duration.ofMillis(50);
    /** How long a round leaves a deleted backend to come back (past File Install's 1 s poll by default). */
    private static final Duration SETTLE = Duration.ofMillis(Long.getLong("deetune.bench.settleMillis", 1500));
    private static final int WARM_UP_WRITES = 3;

    private final ApiClient client;

    private ApiBench(ApiClient client) {
        this.client = client;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: ApiBench <context url> <password file> <command> <args...>");
        }
        ApiBench bench = new ApiBench(new ApiClient(args[0], "admin", Files.readString(Path.of(args[1])).strip()));
        String[] rest = Arrays.copyOfRange(args, 3, args.length);
        switch (args[2]) {
            case "pipeline" -> bench.pipeline(rest[0], rest[1], Arrays.copyOfRange(rest, 2, rest.length));
            case "delete-pipeline" -> bench.deletePipeline(rest[0]);
            case "rules" -> bench.rules(Integer.parseInt(rest[0]));
            case "services" -> bench.services(rest[0], Integer.parseInt(rest[1]), Integer.parseInt(rest[2]), rest[3], rest[4]);
            case "get" -> bench.get(Integer.parseInt(rest[0]), Integer.parseInt(rest[1]), Integer.parseInt(rest[2]),
                    List.of(Arrays.copyOfRange(rest, 3, rest.length)));
            case "write" -> bench.write(rest[0], InetAddress.getByName(rest[1]), Integer.parseInt(rest[2]), Path.of(rest[3]));
            case "scrape" -> bench.scrape(Integer.parseInt(rest[0]));
            default -> throw new IllegalArgumentException("unknown command " + args[2]);
        }
        System.exit(0); // the HTTP client's threads would keep the JVM alive for a while
    }

    private void pipeline(String name, String iface, String[] stages) throws Exception {
        String body = JSON.writeValueAsString(Map.of("name", name, "hook", "xdp", "interfaces", List.of(iface)));
        client.expectOk("POST", API + "/pipelines", body);
        Set<String> wanted = Set.of(stages);
        await("pipeline " + name + " with stages " + wanted, () -> {
            HttpResponse<String> response = client.call("GET", API + "/pipelines/" + name, null);
            if (response.statusCode() != 200) {
                return false;
            }
            Set<String> chain = new HashSet<>();
            read(response.body()).path("chain").forEach(stage -> chain.add(stage.path("name").asText()));
            return chain.containsAll(wanted);
        });
        System.out.println("pipeline=" + name + " stages=" + String.join(",", stages));
    }

    private void deletePipeline(String name) {
        HttpResponse<String> response = client.call("DELETE", API + "/pipelines/" + name, null);
        if (response.statusCode() != 204 && response.statusCode() != 404) {
            throw new IllegalStateException("DELETE pipeline " + name + ": " + response.statusCode() + " " + response.body());
        }
        await("pipeline " + name + " gone", () -> client.call("GET", API + "/pipelines/" + name, null).statusCode() == 404);
    }

    /** Rules of one shape (TCP, one destination port, a /24 source), so the count is the only thing that grows. */
    private void rules(int count) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String rule = String.format(Locale.ROOT, "deny proto tcp dport %d src 10.%d.%d.0/24 priority %d",
                    10001 + i, 100 + i / 256, i % 256, 10 + i);
            client.expectOk("POST", API + "/firewall/rules", JSON.writeValueAsString(Map.of("rule", rule)));
        }
        System.out.printf(Locale.ROOT, "rules=%d load_s=%.1f%n", count, (System.nanoTime() - start) / 1e9);
    }

    private void services(String prefix, int count, int backends, String vipNet, String backendNet) throws Exception {
        for (int k = 1; k <= count; k++) {
            List<Map<String, Object>> list = new java.util.ArrayList<>();
            for (int j = 0; j < backends; j++) {
                list.add(Map.of("address", backendNet + "." + k + "." + (j + 1), "port", 8080, "weight", 1));
            }
            String body = JSON.writeValueAsString(Map.of("name", prefix + "-" + k, "vip", vipNet + ".0." + k, "port", 80,
                    "protocol", "tcp", "algorithm", "round-robin", "backends", list));
            client.expectOk("POST", API + "/lb/services", body);
        }
        System.out.println("services=" + count + " backends_each=" + backends);
    }

    private void get(int rate, int seconds, int warmUp, List<String> paths) {
        List<String> full = paths.stream().map(p -> API + p).toList();
        FixedRateLoad load = new FixedRateLoad(client);
        load.run(full, rate, Duration.ofSeconds(warmUp));
        Latencies all = new Latencies();
        int failures = 0;
        for (Map.Entry<String, FixedRateLoad.PathResult> e : load.run(full, rate, Duration.ofSeconds(seconds)).entrySet()) {
            Latencies latencies = e.getValue().latencies();
            System.out.println("get path=" + e.getKey() + " " + latencies.summary() + " failures=" + e.getValue().failures());
            failures += e.getValue().failures().get();
            copy(latencies, all);
        }
        System.out.println("get path=all rate=" + rate + " seconds=" + seconds + " " + all.summary() + " failures=" + failures);
    }

    private void write(String service, InetAddress vip, int rounds, Path lbDir) throws Exception {
        Latencies toKernel = new Latencies();
        Latencies toResponse = new Latencies();
        int reverted = 0;
        double firstMs = Double.NaN;
        try (KernelBackendProbe probe = new KernelBackendProbe(lbDir, vip, 80)) {
            // The first WARM_UP_WRITES rounds are reported apart: the first write after a start runs cold code.
            for (int r = -WARM_UP_WRITES; r < rounds; r++) {
                InetAddress backend = InetAddress.getByName("10.97." + (r + WARM_UP_WRITES) / 250 + "." + ((r + WARM_UP_WRITES) % 250 + 1));
                String body = JSON.writeValueAsString(Map.of("address", backend.getHostAddress(), "port", 8080, "weight", 1));
                long start = System.nanoTime();
                var answered = client.send("POST", API + "/lb/services/" + service + "/backends", body)
                        .thenApply(response -> new Object[] {response, System.nanoTime()});
                // Polls every 100 µs: a tight spin would take one of the machine's cores from Karaf.
                long seen = pollUntil(() -> probe.serves(backend, 8080), Duration.ofSeconds(10));
                Object[] done = answered.join();
                HttpResponse<?> response = (HttpResponse<?>) done[0];
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("POST backend: " + response.statusCode() + " " + response.body());
                }
                if (r == -WARM_UP_WRITES) {
                    firstMs = (seen - start) / 1e6;
                } else if (r >= 0) {
                    toKernel.add(seen - start);
                    toResponse.add((long) done[1] - start);
                    if (seen - start > SLOW_WRITE.toNanos()) { // to find it in Karaf's log, a JFR recording, a GC log
                        System.err.printf(Locale.ROOT, "write round %d (%s): %.1f ms to the kernel%n", r, java.time.Instant.now(), (seen - start) / 1e6);
                    }
                }
                reverted += removeAndSettle(service, backend, probe);
            }
        }
        System.out.printf(Locale.ROOT, "write to_kernel %s reverted=%d first_ms=%.1f%n", toKernel.summary(), reverted, firstMs);
        System.out.println("write to_response " + toResponse.summary());
    }

    /**
     * Deletes the backend, waits until the kernel no longer serves it, and then for longer than File Install's poll
     * (1 s): a change saved to a configuration reaches the LB again later (Config Admin's event, File Install's copy
     * of the file), and a late copy of an older state can bring the backend back. Each return is counted and the
     * backend deleted again, so that every round starts from the same service.
     */
    private int removeAndSettle(String service, InetAddress backend, KernelBackendProbe probe) {
        int reverted = 0;
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> deleted = client.call("DELETE", API + "/lb/services/" + service + "/backends/" + backend.getHostAddress() + ":8080", null);
            if (deleted.statusCode() != 204 && deleted.statusCode() != 404) {
                throw new IllegalStateException("DELETE backend: " + deleted.statusCode() + " " + deleted.body());
            }
            if (within(() -> !probe.serves(backend, 8080), Duration.ofSeconds(2))) {
                LockSupport.parkNanos(SETTLE.toNanos());
                if (!probe.serves(backend, 8080)) {
                    return reverted;
                }
            }
            reverted++;
            if (attempt == 5) {
                throw new IllegalStateException("backend " + backend.getHostAddress() + " keeps coming back after its DELETE");
            }
        }
    }

    private void scrape(int times) {
        for (int i = 0; i < 3; i++) {
            client.expectOk("GET", "/metrics", null); // warm-up
        }
        Latencies latencies = new Latencies();
        long series = 0;
        int bytes = 0;
        for (int i = 0; i < times; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = client.expectOk("GET", "/metrics", null);
            latencies.add(System.nanoTime() - start);
            series = response.body().lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
            bytes = response.body().length();
        }
        System.out.println("scrape series=" + series + " bytes=" + bytes + " " + latencies.summary());
    }

    /** The time {@code condition} held, polled every 100 µs. */
    private static long pollUntil(BooleanSupplier condition, Duration limit) {
        if (!within(condition, limit)) {
            throw new IllegalStateException("not in the kernel maps after " + limit);
        }
        return System.nanoTime();
    }

    private static boolean within(BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(100_000);
        }
        return true;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + PATIENCE);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void copy(Latencies from, Latencies to) {
        from.forEach(to::add);
    }
}

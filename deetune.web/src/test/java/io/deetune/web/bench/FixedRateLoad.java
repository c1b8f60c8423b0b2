package io.deetune.web.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load: GET requests sent at fixed times ({@code rate} a second, the paths taken in turn), each one's
 * latency measured from the time it was due, not from when it went out. A slow answer therefore cannot hold back
 * the requests behind it and hide their wait (no coordinated omission): the client sends asynchronously over as many
 * connections as the answers need, and a request the client itself sent late is charged the delay.
 */
final class FixedRateLoad {

    /** The latencies of one path, and the requests that failed (an exception or a status other than 200). */
    record PathResult(Latencies latencies, AtomicInteger failures) {}

    private final ApiClient client;

    FixedRateLoad(ApiClient client) {
        this.client = client;
    }

    /** Runs the load for {@code duration}, then waits for the answers still out; results per path, in order. */
    Map<String, PathResult> run(List<String> paths, int rate, Duration duration) {
        Map<String, PathResult> results = new LinkedHashMap<>();
        paths.forEach(p -> results.put(p, new PathResult(new Latencies(), new AtomicInteger())));
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long requests = duration.toNanos() / period;
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        for (long i = 0; i < requests; i++) {
            long due = start + i * period;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            String path = paths.get((int) (i % paths.size()));
            PathResult result = results.get(path);
            pending.add(client.send("GET", path, null).whenComplete((response, failure) -> {
                long latency = System.nanoTime() - due;
                if (failure != null || response.statusCode() != 200) {
                    result.failures().incrementAndGet();
                } else {
                    result.latencies().add(latency);
                }
            }).exceptionally(e -> null));
            if (pending.size() >= 1024) {
                pending.removeIf(CompletableFuture::isDone);
            }
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        return results;
    }
}

package io.deetune.web.bench;

import java.util.Arrays;
import java.util.Locale;

/** Latency samples in nanoseconds and their percentiles (nearest rank) in milliseconds. */
final class Latencies {

    private long[] samples = new long[1024];
    private int count;

    synchronized void add(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    synchronized void forEach(java.util.function.LongConsumer action) {
        for (int i = 0; i < count; i++) {
            action.accept(samples[i]);
        }
    }

    synchronized int count() {
        return count;
    }

    /** {@code p} in (0, 100]: the smallest sample that at least p % of the samples do not exceed, in ms. */
    synchronized double percentileMs(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.max(0, Math.min(count, rank) - 1)] / 1e6;
    }

    /** {@code n=.. p50_ms=.. p99_ms=.. max_ms=..}. */
    String summary() {
        return String.format(Locale.ROOT, "n=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f",
                count(), percentileMs(50), percentileMs(99), percentileMs(100));
    }
}

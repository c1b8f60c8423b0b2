package io.deetune.lb.internal;

import io.deetune.lb.Algorithm;
import java.util.ArrayList;
import java.util.List;

/**
 * The selection ring of a service, as the kernel reads it: {@code ring[turn % length]} for round-robin,
 * {@code ring[hash % length]} for source-hash and Maglev, a scan of the ring for least-connections. Entries are
 * indexes into the list of eligible backends (up and weight above zero).
 */
final class Rings {

    /** A backend that may take new flows. */
    record Eligible(String name, int weight) {}

    private Rings() {}

    static int[] ring(Algorithm algorithm, List<Eligible> eligible) {
        return ring(algorithm, eligible, false);
    }

    /**
     * {@code byLoad}: the weights are effective weights ({@link BackendLoad}), which round-robin follows too;
     * least-connections still scans every eligible backend once (the kernel divides its flows by its weight).
     */
    static int[] ring(Algorithm algorithm, List<Eligible> eligible, boolean byLoad) {
        if (eligible.isEmpty()) {
            return new int[0];
        }
        return switch (algorithm) {
            case ROUND_ROBIN -> byLoad ? smoothWeighted(eligible) : identity(eligible.size());
            case LEAST_CONNECTIONS -> identity(eligible.size());
            case WEIGHTED_ROUND_ROBIN, SOURCE_HASH -> smoothWeighted(eligible);
            case MAGLEV -> Maglev.table(eligible.stream().map(e -> new Maglev.Member(e.name(), e.weight())).toList(),
                    LbLimits.RING_SIZE);
        };
    }

    private static int[] identity(int n) {
        int[] ring = new int[n];
        for (int i = 0; i < n; i++) {
            ring[i] = i;
        }
        return ring;
    }

    /**
     * Smooth weighted round-robin (as nginx does it): weights reduced by their gcd, each turn the backend with the
     * most accumulated credit goes next, so weights 5:1:1 give a,a,b,a,c,a,a rather than five a's in a row.
     */
    static int[] smoothWeighted(List<Eligible> eligible) {
        int gcd = 0;
        for (Eligible e : eligible) {
            gcd = gcd(gcd, e.weight());
        }
        int[] weights = new int[eligible.size()];
        int total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = eligible.get(i).weight() / gcd;
            total += weights[i];
        }
        // Weights (effective ones in hundredths up to 256000) can add up past the ring: scale down, keep >= 1.
        if (total > LbLimits.RING_SIZE) {
            int scaled = 0;
            for (int i = 0; i < weights.length; i++) {
                weights[i] = Math.max(1, (int) ((long) weights[i] * (LbLimits.RING_SIZE - weights.length) / total));
                scaled += weights[i];
            }
            total = scaled;
        }
        List<Integer> order = new ArrayList<>(total);
        int[] current = new int[weights.length];
        for (int turn = 0; turn < total; turn++) {
            int best = 0;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order.add(best);
        }
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}

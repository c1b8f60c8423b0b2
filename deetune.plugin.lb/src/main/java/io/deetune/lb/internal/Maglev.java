package io.deetune.lb.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016): every backend walks its own permutation of the table
 * slots and claims the first free one in turn, so each backend owns an almost equal share and removing one backend
 * only reassigns the slots it owned (plus a few). Weights give backends proportionally more turns.
 */
public final class Maglev {

    /** A backend as Maglev sees it: a stable name (its endpoint) and a weight above zero. */
    public record Member(String name, int weight) {}

    private Maglev() {}

    /**
     * The lookup table of {@code size} slots (a prime), each holding an index into {@code members}; empty when
     * there is no member.
     */
    public static int[] table(List<Member> members, int size) {
        if (!isPrime(size)) {
            throw new IllegalArgumentException("Maglev table size " + size + " is not a prime");
        }
        int n = members.size();
        int[] table = new int[size];
        if (n == 0) {
            return new int[0];
        }
        java.util.Arrays.fill(table, -1);
        long[] offset = new long[n];
        long[] skip = new long[n];
        long[] next = new long[n];
        double[] credit = new double[n];
        int maxWeight = 1;
        for (int i = 0; i < n; i++) {
            byte[] name = members.get(i).name().getBytes(StandardCharsets.UTF_8);
            offset[i] = Long.remainderUnsigned(hash(name, 0x9e3779b97f4a7c15L), size);
            skip[i] = Long.remainderUnsigned(hash(name, 0xc2b2ae3d27d4eb4fL), size - 1) + 1;
            maxWeight = Math.max(maxWeight, members.get(i).weight());
        }
        int filled = 0;
        while (filled < size) {
            for (int i = 0; i < n && filled < size; i++) {
                // A backend with half the top weight claims a slot every second round.
                credit[i] += (double) members.get(i).weight() / maxWeight;
                while (credit[i] >= 1 && filled < size) {
                    credit[i] -= 1;
                    int slot;
                    do {
                        slot = (int) ((offset[i] + next[i] * skip[i]) % size);
                        next[i]++;
                    } while (table[slot] >= 0);
                    table[slot] = i;
                    filled++;
                }
            }
        }
        return table;
    }

    /** FNV-1a over the bytes, then the splitmix64 finalizer: stable across JVMs and runs. */
    static long hash(byte[] data, long seed) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (byte b : data) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return h;
    }

    static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}

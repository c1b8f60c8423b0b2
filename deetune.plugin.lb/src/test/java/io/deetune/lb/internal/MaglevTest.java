package io.deetune.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Balance and disruption of the Maglev table over many backend sets. */
class MaglevTest {

    private static final int SIZE = LbLimits.RING_SIZE;

    private static List<Maglev.Member> members(int n, int seed) {
        List<Maglev.Member> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new Maglev.Member("10." + seed + "." + (i / 250) + "." + (i % 250) + ":8080", 1));
        }
        return list;
    }

    private static int[] shares(int[] table, int n) {
        int[] counts = new int[n];
        for (int owner : table) {
            counts[owner]++;
        }
        return counts;
    }

    @Test
    void everyBackendOwnsAnEqualShareWithinAFewPercent() {
        for (int n = 1; n <= 64; n++) {
            int[] counts = shares(Maglev.table(members(n, n), SIZE), n);
            double expected = (double) SIZE / n;
            for (int count : counts) {
                assertTrue(Math.abs(count - expected) / expected < 0.03, n + " backends: " + count + " slots vs " + expected);
            }
        }
    }

    @Test
    void removingOneOfNBackendsMovesAboutOneNth() {
        Random random = new Random(42);
        for (int trial = 0; trial < 40; trial++) {
            int n = 3 + random.nextInt(40);
            List<Maglev.Member> all = members(n, trial);
            int[] before = Maglev.table(all, SIZE);
            int removed = random.nextInt(n);
            List<Maglev.Member> rest = new ArrayList<>(all);
            rest.remove(removed);
            int[] after = Maglev.table(rest, SIZE);
            int moved = 0;
            for (int slot = 0; slot < SIZE; slot++) {
                String was = all.get(before[slot]).name();
                String is = rest.get(after[slot]).name();
                if (!was.equals(is)) {
                    moved++; // the removed backend's slots, plus the few a surviving backend gives up
                }
            }
            double share = (double) moved / SIZE;
            assertTrue(share >= 1.0 / n * 0.95, "at least the removed backend's slots move");
            assertTrue(share < 1.0 / n * 1.5 + 0.01, n + " backends, removed one: " + share + " of slots moved (1/N = " + 1.0 / n + ")");
        }
    }

    @Test
    void weightsGiveProportionalShares() {
        List<Maglev.Member> weighted = List.of(new Maglev.Member("a:1", 1), new Maglev.Member("b:1", 2), new Maglev.Member("c:1", 4));
        int[] counts = shares(Maglev.table(weighted, SIZE), 3);
        assertEquals(SIZE, counts[0] + counts[1] + counts[2]);
        assertTrue(Math.abs(counts[1] / (double) counts[0] - 2) < 0.1, "2:1 " + counts[1] + "/" + counts[0]);
        assertTrue(Math.abs(counts[2] / (double) counts[0] - 4) < 0.2, "4:1 " + counts[2] + "/" + counts[0]);
    }

    @Test
    void tableDependsOnlyOnTheMembers() {
        List<Maglev.Member> members = members(7, 1);
        assertEquals(java.util.Arrays.toString(Maglev.table(members, SIZE)), java.util.Arrays.toString(Maglev.table(List.copyOf(members), SIZE)));
        assertEquals(0, Maglev.table(List.of(), SIZE).length);
        assertThrows(IllegalArgumentException.class, () -> Maglev.table(members, 4096));
    }
}

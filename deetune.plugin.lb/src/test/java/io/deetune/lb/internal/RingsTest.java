package io.deetune.lb.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.lb.Algorithm;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingsTest {

    @Test
    void smoothWeightedRoundRobinInterleaves() {
        int[] ring = Rings.ring(Algorithm.WEIGHTED_ROUND_ROBIN,
                List.of(new Rings.Eligible("a", 5), new Rings.Eligible("b", 1), new Rings.Eligible("c", 1)));
        assertArrayEquals(new int[] {0, 0, 1, 0, 2, 0, 0}, ring);
        assertArrayEquals(new int[] {0, 1, 2}, Rings.ring(Algorithm.WEIGHTED_ROUND_ROBIN,
                List.of(new Rings.Eligible("a", 10), new Rings.Eligible("b", 10), new Rings.Eligible("c", 10))), "reduced by the gcd");
    }

    @Test
    void largeWeightsStayInsideTheRingAndKeepTheirProportions() {
        List<Rings.Eligible> many = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
            many.add(new Rings.Eligible("b" + i, i % 2 == 0 ? 1000 : 499));
        }
        int[] ring = Rings.ring(Algorithm.WEIGHTED_ROUND_ROBIN, many);
        assertTrue(ring.length <= LbLimits.RING_SIZE);
        int[] counts = new int[64];
        for (int b : ring) {
            counts[b]++;
        }
        assertTrue(Math.abs(counts[0] / (double) counts[1] - 1000 / 499.0) < 0.1);
    }

    @Test
    void roundRobinAndMaglevShapes() {
        List<Rings.Eligible> three = List.of(new Rings.Eligible("a", 1), new Rings.Eligible("b", 9), new Rings.Eligible("c", 1));
        assertArrayEquals(new int[] {0, 1, 2}, Rings.ring(Algorithm.ROUND_ROBIN, three), "plain round-robin ignores weights");
        assertEquals(LbLimits.RING_SIZE, Rings.ring(Algorithm.MAGLEV, three).length);
        assertEquals(0, Rings.ring(Algorithm.MAGLEV, List.of()).length);
    }
}

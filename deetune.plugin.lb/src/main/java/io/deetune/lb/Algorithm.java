package io.deetune.lb;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a service picks a backend for the first packet of a new flow. */
public enum Algorithm {
    /** Backends in turn, one new flow each: exactly even. */
    ROUND_ROBIN("round-robin"),
    /** Backends in turn, new flows in proportion to their weights (smoothly interleaved). */
    WEIGHTED_ROUND_ROBIN("weighted-round-robin"),
    /** The backend with the fewest live flows per unit of weight. */
    LEAST_CONNECTIONS("least-connections"),
    /** A hash of the client address: a client always reaches the same backend while the set is unchanged. */
    SOURCE_HASH("source-hash"),
    /** Consistent hashing of the 5-tuple through a Maglev table: removing one of N backends moves about 1/N of flows. */
    MAGLEV("maglev");

    private final String id;

    Algorithm(String id) {
        this.id = id;
    }

    /** The name in configuration and commands, e.g. {@code round-robin}. */
    public String id() {
        return id;
    }

    /** Parses an algorithm name; the error lists the valid names. */
    public static Algorithm parse(String text) {
        if (text != null) {
            for (Algorithm algorithm : values()) {
                if (algorithm.id.equalsIgnoreCase(text.trim()) || algorithm.name().equalsIgnoreCase(text.trim())) {
                    return algorithm;
                }
            }
        }
        throw new LbConfigException("algorithm", "unknown algorithm '" + text + "' (expected one of "
                + Arrays.stream(values()).map(Algorithm::id).collect(Collectors.joining(", ")) + ")");
    }
}

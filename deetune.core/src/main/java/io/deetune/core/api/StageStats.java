package io.deetune.core.api;

/**
 * Packets that left a stage, by way out, summed over CPUs. Every packet leaves a stage exactly one way, so their
 * sum is the packets that entered it.
 */
public record StageStats(long continued, long passed, long dropped, long tx, long redirected, long aborted) {

    public static final StageStats ZERO = new StageStats(0, 0, 0, 0, 0, 0);

    /** Packets that entered the stage. */
    public long in() {
        return continued + passed + dropped + tx + redirected + aborted;
    }

    public StageStats plus(StageStats other) {
        return new StageStats(continued + other.continued, passed + other.passed, dropped + other.dropped,
                tx + other.tx, redirected + other.redirected, aborted + other.aborted);
    }
}

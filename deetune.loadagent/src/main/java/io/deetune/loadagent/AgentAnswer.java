package io.deetune.loadagent;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The line the agent answers, in HAProxy's agent-check format: the percentage of the backend's configured weight
 * to use, then the state, {@code "75% ready\n"}.
 *
 * <p>The state is {@code drain} while the drain file exists (an operator touches it to take the server out of new
 * traffic) and {@code ready} otherwise: a load balancer keeps a state an agent sent until it sends another, so
 * {@code ready} has to be said to undo a drain.
 */
final class AgentAnswer {

    private final int minPercent;
    /** Null: no drain file. */
    private final Path drainFile;

    /**
     * @param minPercent the least percentage answered (0 to 100), so that a saturated server keeps a small share
     *                   of new traffic rather than none
     * @param drainFile  the file whose existence means drain, or null
     */
    AgentAnswer(int minPercent, Path drainFile) {
        if (minPercent < 0 || minPercent > 100) {
            throw new IllegalArgumentException("minPercent " + minPercent + " is outside 0..100");
        }
        this.minPercent = minPercent;
        this.drainFile = drainFile;
    }

    /** The answer for a busy share from 0 (idle) to 1 (saturated), ending in a newline. */
    String line(double busyShare) {
        return percent(busyShare, minPercent) + "% " + (draining() ? "drain" : "ready") + "\n";
    }

    /** Whether the drain file exists now; asked at every answer, so that touching or removing it acts at once. */
    boolean draining() {
        return drainFile != null && Files.exists(drainFile);
    }

    /** {@code round(100 * (1 - busyShare))}, within {@code minPercent..100}; a NaN share counts as saturated. */
    static int percent(double busyShare, int minPercent) {
        double idle = Double.isNaN(busyShare) ? 0 : 1 - busyShare;
        long percent = Math.round(100 * idle);
        return (int) Math.max(minPercent, Math.min(100, percent));
    }
}

package io.deetune.lb;

/**
 * How a service learns the load of its backends and eases returning ones in: the effective weight of a backend is
 * its configured weight, times the share its agent reports, times its slow-start ramp.
 *
 * @param agentPort           0: no agent; else the TCP port of each backend's agent (on the backend's address), read
 *                            with HAProxy's {@code agent-check} convention: one line such as {@code 75%}, {@code drain},
 *                            {@code maint}, {@code down}, {@code up}, {@code ready}, or a combination ({@code 50% ready})
 * @param agentIntervalMillis time between two reads of one agent
 * @param slowStartMillis     0: none; else a backend that comes up (added to the service, back from a failed health
 *                            check, or back from an agent's {@code down}/{@code maint}) ramps from a tenth of its weight
 *                            to all of it over this time
 * @since 1.4
 */
public record LoadFeedback(int agentPort, long agentIntervalMillis, long slowStartMillis) {

    /** No agent, no slow start: backends take their configured weight. */
    public static final LoadFeedback NONE = new LoadFeedback(0, 2000, 0);

    /** Slow start over at most a day; a longer ramp is a typo. */
    public static final long MAX_SLOW_START_MILLIS = 86_400_000;

    public boolean agent() {
        return agentPort != 0;
    }

    public boolean slowStart() {
        return slowStartMillis > 0;
    }

    /** Whether the effective weights can differ from the configured ones. */
    public boolean active() {
        return agent() || slowStart();
    }

    /**
     * After this long without a good answer the agent's last answer stops counting and the backend takes its
     * configured weight again (the health check, not the agent, decides down).
     */
    public long agentGraceMillis() {
        return 3 * agentIntervalMillis;
    }

    /** An agent that does not answer within this time failed this read. */
    public long agentTimeoutMillis() {
        return Math.min(1000, agentIntervalMillis);
    }

    /** Rejects settings that cannot run, naming the field. */
    void check() {
        if (agentPort < 0 || agentPort > 65535) {
            throw new LbConfigException("agentPort", "port " + agentPort + " is outside 1..65535 (0: no agent)");
        }
        if (agentIntervalMillis < 100 || agentIntervalMillis > 3_600_000) {
            throw new LbConfigException("agentIntervalMillis", agentIntervalMillis + " ms is outside 100..3600000");
        }
        if (slowStartMillis < 0) {
            throw new LbConfigException("slowStartMillis", slowStartMillis + " ms is negative (0: no slow start)");
        }
        if (slowStartMillis > MAX_SLOW_START_MILLIS) {
            throw new LbConfigException("slowStartMillis", slowStartMillis + " ms is above a day (" + MAX_SLOW_START_MILLIS + ")");
        }
    }
}

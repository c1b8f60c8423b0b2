package io.deetune.firewall;

/**
 * The hits of one rule, or of the default policy, summed over the CPUs.
 *
 * @param packets      packets the rule decided
 * @param bytes        their bytes (whole frames)
 * @param lastHitNanos {@link System#nanoTime()} (CLOCK_MONOTONIC, to a scheduler tick) of the last hit, 0 if none
 */
public record RuleHits(long packets, long bytes, long lastHitNanos) {}

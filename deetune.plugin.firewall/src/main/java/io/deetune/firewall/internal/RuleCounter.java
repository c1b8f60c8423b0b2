package io.deetune.firewall.internal;

import io.deetune.bpf.Codec;
import java.nio.ByteBuffer;

/**
 * {@code struct fw_rule_counter}: the hits of a rule or of the default policy, on one CPU or summed.
 *
 * @param lastHitNanos CLOCK_MONOTONIC of the last hit, 0 if none
 */
record RuleCounter(long packets, long bytes, long lastHitNanos) {

    static final RuleCounter ZERO = new RuleCounter(0, 0, 0);

    static final Codec<RuleCounter> CODEC = new Codec<>() {
        @Override public int size() { return 24; }

        @Override public void encode(RuleCounter value, ByteBuffer out) {
            out.putLong(value.packets()).putLong(value.bytes()).putLong(value.lastHitNanos());
        }

        @Override public RuleCounter decode(ByteBuffer in) {
            return new RuleCounter(in.getLong(), in.getLong(), in.getLong());
        }
    };

    /** Both CPUs' (or both families') hits together: the sums, and the later last hit. */
    RuleCounter plus(RuleCounter other) {
        return new RuleCounter(packets + other.packets, bytes + other.bytes, Math.max(lastHitNanos, other.lastHitNanos));
    }
}

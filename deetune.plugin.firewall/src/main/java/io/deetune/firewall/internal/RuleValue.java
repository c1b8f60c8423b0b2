package io.deetune.firewall.internal;

import io.deetune.bpf.Codec;
import io.deetune.firewall.Action;
import java.nio.ByteBuffer;

/**
 * {@code struct fw_rule_value}: what a rule-table key leads to, one copy per CPU: the rule's rank and action (the
 * same on every CPU) and that CPU's hits of the key.
 */
record RuleValue(int rank, Action action, RuleCounter counter) {

    static final Codec<RuleValue> CODEC = new Codec<>() {
        @Override public int size() { return 8 + RuleCounter.CODEC.size(); }

        @Override public void encode(RuleValue value, ByteBuffer out) {
            out.putInt(value.rank()).putInt(FirewallConsts.actionCode(value.action()));
            RuleCounter.CODEC.encode(value.counter(), out);
        }

        @Override public RuleValue decode(ByteBuffer in) {
            return new RuleValue(in.getInt(), FirewallConsts.action(in.getInt()), RuleCounter.CODEC.decode(in));
        }
    };
}

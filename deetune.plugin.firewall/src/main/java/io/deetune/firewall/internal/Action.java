package io.deetune.firewall.internal;

import java.util.Locale;

/** What a rule (or the default policy) does with a packet; the ordinal is the C enum fw_action. */
public enum Action {
    /** Continue the chain (the next stage, or the kernel at the end). */
    ALLOW,
    /** Drop the packet (XDP_DROP). */
    DENY;

    public static Action parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "allow", "accept" -> ALLOW;
            case "deny", "drop" -> DENY;
            default -> throw new IllegalArgumentException("unknown action '" + text + "' (expected allow or deny)");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.deetune.firewall;

import java.util.Locale;

/**
 * What a rule, or the default policy, does with a packet. (The stage's C code numbers them in this order, as enum
 * fw_action: keep the order.)
 */
public enum Action {
    /** Continue the chain (the next stage, or the kernel at the end). */
    ALLOW,
    /** Drop the packet. */
    DENY;

    /**
     * Reads an action as the rules file and the configuration write it: {@code allow} or {@code accept}, {@code deny}
     * or {@code drop}, in any case.
     *
     * @throws IllegalArgumentException for any other word, naming it
     */
    public static Action parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "allow", "accept" -> ALLOW;
            case "deny", "drop" -> DENY;
            default -> throw new IllegalArgumentException("unknown action '" + text + "' (expected allow or deny)");
        };
    }

    /** The word the rules file uses: {@code allow} or {@code deny}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.deetune.firewall.internal;

import io.deetune.firewall.Action;

/**
 * The constants of firewall_consts.h, mirrored once; FirewallStructsTest checks the map sizes that follow from them
 * against the object.
 */
final class FirewallConsts {

    /** FW_MAX_TUPLES: tuples (distinct rule shapes) the stage searches per address family. */
    static final int MAX_TUPLES = 64;
    /** FW_BANKS: one bank judges packets, the other is where the next rule set is built. */
    static final int BANKS = 2;
    /** Bits of fw_active's value: the bank that judges packets, and whether the blocklist holds any entry. */
    static final int ACTIVE_BANK = BANKS - 1;
    static final int ACTIVE_BLOCKLIST = 2;

    /** enum fw_port_mode: how a tuple matches a port. */
    static final int PORT_ANY = 0;
    static final int PORT_EXACT = 1;
    static final int PORT_RANGE = 2;

    /** enum fw_drop_reason: the keys of fw_drops. */
    static final int DROP_BLOCKED = 0;
    static final int DROP_MALFORMED = 1;
    /** A first fragment without its whole L4 header, or a TCP fragment at offset 8 (RFC 1858). */
    static final int DROP_TINY_FRAGMENT = 2;
    static final int DROP_REASONS = 3;

    /** enum fw_action. */
    private static final int FW_ALLOW = 0;
    private static final int FW_DENY = 1;

    private FirewallConsts() {}

    /** The enum fw_action value of {@code action}. */
    static int actionCode(Action action) {
        return switch (action) {
            case ALLOW -> FW_ALLOW;
            case DENY -> FW_DENY;
        };
    }

    /** The action of an enum fw_action value. */
    static Action action(int code) {
        return switch (code) {
            case FW_ALLOW -> Action.ALLOW;
            case FW_DENY -> Action.DENY;
            default -> throw new IllegalArgumentException("enum fw_action has no value " + code);
        };
    }
}

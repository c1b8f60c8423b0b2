package io.deetune.firewall.internal;

import java.util.Locale;

/** IP protocol numbers by name; {@link #ANY} matches every protocol. */
public final class Protocols {

    public static final int ANY = -1;
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMPV6 = 58;

    private Protocols() {}

    /** Parses {@code tcp}, {@code udp}, {@code icmp}, {@code icmpv6}, {@code any} or a number 0-255. */
    public static int parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "any", "all" -> ANY;
            case "tcp" -> TCP;
            case "udp" -> UDP;
            case "icmp" -> ICMP;
            case "icmpv6", "ipv6-icmp" -> ICMPV6;
            default -> {
                if (t.matches("\\d{1,3}") && Integer.parseInt(t) <= 255) {
                    yield Integer.parseInt(t);
                }
                throw new IllegalArgumentException("unknown protocol '" + text + "' (expected tcp, udp, icmp, icmpv6, any or 0-255)");
            }
        };
    }

    public static String name(int protocol) {
        return switch (protocol) {
            case ANY -> "any";
            case TCP -> "tcp";
            case UDP -> "udp";
            case ICMP -> "icmp";
            case ICMPV6 -> "icmpv6";
            default -> Integer.toString(protocol);
        };
    }

    public static boolean hasPorts(int protocol) {
        return protocol == TCP || protocol == UDP;
    }
}

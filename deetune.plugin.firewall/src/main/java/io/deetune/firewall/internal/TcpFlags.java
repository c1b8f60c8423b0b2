package io.deetune.firewall.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A TCP flags match: the flags in {@code mask} must equal those in {@code value} (as iptables'
 * {@code --tcp-flags MASK VALUE} and nftables' {@code tcp flags & MASK == VALUE}). {@link #NONE} matches all.
 */
public record TcpFlags(int value, int mask) {

    public static final TcpFlags NONE = new TcpFlags(0, 0);
    private static final String[] NAMES = {"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr"};

    /** Parses {@code syn} (syn set) or {@code syn/syn,ack} (syn set, ack clear). */
    public static TcpFlags parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int slash = t.indexOf('/');
        int value = bits(slash < 0 ? t : t.substring(0, slash), text);
        int mask = slash < 0 ? value : bits(t.substring(slash + 1), text);
        if ((value & ~mask) != 0) {
            throw new IllegalArgumentException("flags '" + text + "': every flag before '/' must also be after it");
        }
        return new TcpFlags(value, mask);
    }

    private static int bits(String list, String text) {
        int bits = 0;
        if (list.isEmpty() || list.equals("none")) {
            return 0;
        }
        for (String name : list.split(",")) {
            int bit = List.of(NAMES).indexOf(name.trim());
            if (bit < 0) {
                throw new IllegalArgumentException("unknown TCP flag '" + name + "' in '" + text + "' (known: "
                        + String.join(", ", NAMES) + ")");
            }
            bits |= 1 << bit;
        }
        return bits;
    }

    public boolean none() {
        return mask == 0;
    }

    public boolean matches(int flags) {
        return (flags & mask) == value;
    }

    public boolean overlaps(TcpFlags other) {
        return ((value ^ other.value) & mask & other.mask) == 0;
    }

    private static String names(int bits) {
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < NAMES.length; bit++) {
            if ((bits & (1 << bit)) != 0) {
                names.add(NAMES[bit]);
            }
        }
        return names.isEmpty() ? "none" : String.join(",", names);
    }

    @Override
    public String toString() {
        return value == mask ? names(value) : names(value) + "/" + names(mask);
    }
}

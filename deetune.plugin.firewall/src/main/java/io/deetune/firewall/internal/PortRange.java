package io.deetune.firewall.internal;

/**
 * A port condition: a port or an inclusive port range. {@link #ANY} is no condition at all: it matches every packet,
 * with ports or without (a non-first fragment). A written range, even 0-65535, is a condition on the ports: it matches
 * every port, but only of a packet that carries them, so never a non-first fragment (as iptables' {@code --dport 0:65535}).
 *
 * @param any whether this is {@link #ANY}, no condition (the only value with {@code any} set)
 */
public record PortRange(int low, int high, boolean any) {

    public static final PortRange ANY = new PortRange(0, 65535, true);

    public PortRange {
        if (low < 0 || high > 65535 || low > high) {
            throw new IllegalArgumentException("bad port range " + low + "-" + high);
        }
        if (any && (low != 0 || high != 65535)) {
            throw new IllegalArgumentException("no port condition covers every port, not " + low + "-" + high);
        }
    }

    /** The condition "a port in {@code low}-{@code high}". */
    public PortRange(int low, int high) {
        this(low, high, false);
    }

    /** Parses {@code 22}, {@code 1024-65535} or {@code any}. */
    public static PortRange parse(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("any")) {
            return ANY;
        }
        int dash = t.indexOf('-');
        int low = port(dash < 0 ? t : t.substring(0, dash), text);
        int high = dash < 0 ? low : port(t.substring(dash + 1), text);
        if (low > high) {
            throw new IllegalArgumentException("port range '" + text + "' has low > high");
        }
        return new PortRange(low, high);
    }

    private static int port(String digits, String text) {
        int port = Cidr.decimal(digits, 6);
        if (port < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a port (0-65535) or a range low-high");
        }
        if (port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of 0-65535");
        }
        return port;
    }

    public boolean single() {
        return low == high;
    }

    public boolean contains(int port) {
        return port >= low && port <= high;
    }

    public boolean overlaps(PortRange other) {
        return low <= other.high && other.low <= high;
    }

    @Override
    public String toString() {
        return any() ? "any" : single() ? Integer.toString(low) : low + "-" + high;
    }
}

package io.deetune.firewall.internal;

/** A port or an inclusive port range; {@link #ANY} is 0-65535. */
public record PortRange(int low, int high) {

    public static final PortRange ANY = new PortRange(0, 65535);

    public PortRange {
        if (low < 0 || high > 65535 || low > high) {
            throw new IllegalArgumentException("bad port range " + low + "-" + high);
        }
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

    public boolean any() {
        return low == 0 && high == 65535;
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

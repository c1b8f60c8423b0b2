package io.deetune.discard;

import io.deetune.core.api.ConfigText;
import java.util.Locale;
import java.util.Objects;

/**
 * A destination port of one protocol, written {@code udp/9} or {@code tcp/9} (protocol in any case).
 *
 * @param port 1..65535
 */
public record DiscardPort(Protocol protocol, int port) {

    public DiscardPort {
        Objects.requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
    }

    /**
     * Parses {@code <tcp|udp>/<port>}.
     *
     * @throws IllegalArgumentException quoting the text and saying what is wrong with it
     */
    public static DiscardPort parse(String text) {
        // Quoted in messages that reach logs and consoles: escaped, so a line break cannot forge a line.
        String entry = ConfigText.escape(text == null ? "" : text.trim());
        int slash = entry.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + entry + "' is not <tcp|udp>/<port>");
        }
        Protocol protocol = switch (entry.substring(0, slash).trim().toLowerCase(Locale.ROOT)) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default -> throw new IllegalArgumentException("'" + entry + "': protocol '" + entry.substring(0, slash).trim()
                    + "' is neither tcp nor udp");
        };
        int port;
        try {
            port = Integer.parseInt(entry.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + entry + "': '" + entry.substring(slash + 1).trim() + "' is not a port number");
        }
        try {
            return new DiscardPort(protocol, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + entry + "': " + e.getMessage());
        }
    }

    /** As {@link #parse} reads it: {@code udp/9}. */
    @Override
    public String toString() {
        return protocol + "/" + port;
    }
}

package io.deetune.lb;

import java.net.InetAddress;

/**
 * An IP address and a port, as commands take a VIP or a backend: {@code address:port}, {@code [address]:port} for
 * IPv6.
 *
 * @since 1.2
 */
public record Endpoint(InetAddress address, int port) {

    /** Parses {@code address:port} or {@code [ipv6]:port}; an error names {@code field}. */
    public static Endpoint parse(String field, String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || (t.indexOf(':') != colon && !t.startsWith("["))) {
            throw new LbConfigException(field, "'" + text + "' is not address:port (IPv6 as [address]:port)");
        }
        return new Endpoint(Fields.address(field, t.substring(0, colon)), Fields.port(field, t.substring(colon + 1)));
    }

    /**
     * Parses an IP address literal (IPv6 with or without brackets; never a host name to look up); an error names
     * {@code field}.
     *
     * @since 1.3
     */
    public static InetAddress address(String field, String text) {
        return Fields.address(field, text);
    }
}

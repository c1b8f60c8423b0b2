package io.deetune.lb;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Single values of configuration files and commands: IP addresses, ports and list entries. Every error is an
 * {@link LbConfigException} naming the field. The records' factories ({@link Endpoint#parse}, {@link Backend#parse},
 * {@link VirtualService#parse}) build on these.
 */
final class Fields {

    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    private Fields() {}

    /** An IP address literal (never a host name: no DNS lookups in the control path). */
    static InetAddress address(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new LbConfigException(field, "missing IP address");
        }
        String literal = text.trim();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        try {
            return InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            throw new LbConfigException(field, "'" + text + "' is not an IP address");
        }
    }

    static int port(String field, int port) {
        if (port < 1 || port > 65535) {
            throw new LbConfigException(field, "port " + port + " is outside 1..65535");
        }
        return port;
    }

    static int port(String field, String text) {
        try {
            return port(field, Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            throw new LbConfigException(field, "'" + text + "' is not a port number");
        }
    }

    /**
     * The entries of a list-valued configuration property however it arrived: one value per entry (a typed array, as
     * {@code .config} files, typed {@code .cfg} files and the web console give it), comma separated in one string (as
     * a Karaf {@code .cfg} line gives it: {@code backends = 10.0.1.2:80, 10.0.1.3:80 weight=2}), or as a
     * {@code ["...", "..."]} literal. Neither the Metatype's cardinality nor Declarative Services split a string:
     * File Install reads a {@code .cfg} file of plain values (Felix {@code TypedProperties}) as strings only, so a
     * literal in such a file arrives as its text, quotes and brackets included (ServiceFileFormsTest, in Karaf).
     */
    static List<String> entries(String[] values) {
        List<String> entries = new ArrayList<>();
        for (String value : values == null ? new String[0] : values) {
            String v = value == null ? "" : value.trim();
            if (v.startsWith("[") && v.endsWith("]") && v.substring(1).trim().startsWith("\"")) {
                Matcher quoted = QUOTED.matcher(v);
                while (quoted.find()) {
                    entries.add(quoted.group(1).trim());
                }
            } else {
                for (String part : v.split(",")) {
                    if (!part.isBlank()) {
                        entries.add(part.trim());
                    }
                }
            }
        }
        return entries;
    }
}

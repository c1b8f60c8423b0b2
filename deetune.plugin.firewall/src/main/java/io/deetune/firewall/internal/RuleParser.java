package io.deetune.firewall.internal;

import io.deetune.core.api.ConfigText;
import io.deetune.firewall.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Reads rules in a syntax an iptables or nftables user reads at sight: one rule a line, an action followed by
 * {@code keyword value} pairs in any order; {@code #} starts a comment.
 *
 * <pre>
 * deny  proto tcp dport 22 src 10.0.0.0/8 priority 10
 * allow proto tcp dport 1024-65535 flags syn/syn,ack
 * deny  src 2001:db8::/32
 * </pre>
 *
 * Keywords: {@code priority N}, {@code src|saddr CIDR}, {@code dst|daddr CIDR}, {@code proto tcp|udp|icmp|icmpv6|any|N},
 * {@code sport P|LO-HI}, {@code dport P|LO-HI}, {@code flags SET[/MASK]}. Actions: {@code allow|accept},
 * {@code deny|drop}.
 */
public final class RuleParser {

    private RuleParser() {}

    /**
     * Parses a whole rules text; {@code source} names it in messages (e.g. the file name). Every bad line is reported,
     * each with its line number and field.
     *
     * @throws RuleException listing every problem
     */
    public static List<Rule> parse(String text, String source) {
        List<String> lines = text.lines().toList();
        // Lines are independent: parse them in parallel (a 100k-rule file is parsed on every reload), keep the order.
        Object[] parsed = new Object[lines.size()];
        IntStream.range(0, lines.size()).parallel().forEach(i -> {
            try {
                parsed[i] = parseLine(lines.get(i), source + ":" + (i + 1));
            } catch (RuleException e) {
                parsed[i] = e;
            }
        });
        List<Rule> rules = new ArrayList<>(parsed.length);
        List<String> problems = new ArrayList<>();
        for (Object result : parsed) {
            if (result instanceof Rule rule) {
                rules.add(rule);
            } else if (result instanceof RuleException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleException(problems);
        }
        return rules;
    }

    /** Parses one line; null for a blank or comment line. */
    public static Rule parseLine(String line, String origin) {
        refuseControlCharacters(line, origin);
        int hash = line.indexOf('#');
        String body = (hash < 0 ? line : line.substring(0, hash)).trim();
        if (body.isEmpty()) {
            return null;
        }
        String[] words = words(body);
        Action action;
        try {
            action = Action.parse(words[0]);
        } catch (IllegalArgumentException e) {
            throw problem(origin, "action", e.getMessage());
        }
        Integer priority = null;
        Cidr source = null;
        Cidr destination = null;
        int protocol = Protocols.ANY;
        PortRange sport = PortRange.ANY;
        PortRange dport = PortRange.ANY;
        TcpFlags flags = TcpFlags.NONE;
        List<String> seen = new ArrayList<>();
        for (int i = 1; i < words.length; i += 2) {
            String keyword = canonical(words[i].toLowerCase(Locale.ROOT));
            if (keyword == null) {
                throw problem(origin, words[i], "unknown keyword '" + words[i]
                        + "' (expected priority, src, dst, proto, sport, dport or flags)");
            }
            if (i + 1 >= words.length) {
                throw problem(origin, keyword, "'" + words[i] + "' needs a value");
            }
            if (seen.contains(keyword)) {
                throw problem(origin, keyword, "'" + keyword + "' is given twice");
            }
            seen.add(keyword);
            String value = words[i + 1];
            try {
                switch (keyword) {
                    case "priority" -> priority = priority(value);
                    case "src" -> source = address(value);
                    case "dst" -> destination = address(value);
                    case "proto" -> protocol = Protocols.parse(value);
                    case "sport" -> sport = PortRange.parse(value);
                    case "dport" -> dport = PortRange.parse(value);
                    case "flags" -> flags = TcpFlags.parse(value);
                    default -> throw new IllegalStateException(keyword);
                }
            } catch (IllegalArgumentException e) {
                throw problem(origin, keyword, e.getMessage());
            }
        }
        return validate(new Rule(action, priority, source, destination, protocol, sport, dport, flags, origin));
    }

    /**
     * A rule is one line of printable text (tabs allowed): a line break inside a rule given to rule-add would read as
     * one rule and look like two in a listing or a log line.
     */
    private static void refuseControlCharacters(String line, String origin) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\t' && ConfigText.isControl(c)) {
                throw problem(origin, "rule", "control character U+" + String.format("%04X", (int) c) + " at column " + (i + 1)
                        + " in '" + ConfigText.escape(line) + "'");
            }
        }
    }

    /** Splits on runs of blanks (no regex: rule files have 100k lines). */
    private static String[] words(String body) {
        List<String> words = new ArrayList<>(16);
        int start = -1;
        for (int i = 0; i <= body.length(); i++) {
            boolean blank = i == body.length() || Character.isWhitespace(body.charAt(i));
            if (blank && start >= 0) {
                words.add(body.substring(start, i));
                start = -1;
            } else if (!blank && start < 0) {
                start = i;
            }
        }
        return words.toArray(String[]::new);
    }

    private static String canonical(String keyword) {
        return switch (keyword) {
            case "priority", "prio" -> "priority";
            case "src", "saddr", "from" -> "src";
            case "dst", "daddr", "to" -> "dst";
            case "proto", "protocol" -> "proto";
            case "sport" -> "sport";
            case "dport" -> "dport";
            case "flags", "tcp-flags" -> "flags";
            default -> null;
        };
    }

    private static Integer priority(String value) {
        if (!value.matches("\\d{1,10}") || Long.parseLong(value) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("priority '" + value + "' is not a number 0-" + Integer.MAX_VALUE);
        }
        return Integer.parseInt(value);
    }

    private static Cidr address(String value) {
        return value.equalsIgnoreCase("any") ? null : Cidr.parse(value);
    }

    /** Checks what only the whole rule can tell. */
    private static Rule validate(Rule rule) {
        String origin = rule.origin();
        if (rule.source() != null && rule.destination() != null && rule.source().ipv6() != rule.destination().ipv6()) {
            throw problem(origin, "dst", "src is " + (rule.source().ipv6() ? "IPv6" : "IPv4") + " but dst is "
                    + (rule.destination().ipv6() ? "IPv6" : "IPv4"));
        }
        Cidr address = rule.source() != null ? rule.source() : rule.destination();
        if (address != null && rule.protocol() == Protocols.ICMP && address.ipv6()) {
            throw problem(origin, "proto", "icmp is IPv4 only; use icmpv6 with IPv6 addresses");
        }
        if (address != null && rule.protocol() == Protocols.ICMPV6 && !address.ipv6()) {
            throw problem(origin, "proto", "icmpv6 is IPv6 only; use icmp with IPv4 addresses");
        }
        if (!Protocols.hasPorts(rule.protocol())) {
            if (!rule.sourcePort().any()) {
                throw problem(origin, "sport", "ports need proto tcp or udp (proto is " + Protocols.name(rule.protocol()) + ")");
            }
            if (!rule.destinationPort().any()) {
                throw problem(origin, "dport", "ports need proto tcp or udp (proto is " + Protocols.name(rule.protocol()) + ")");
            }
        }
        if (!rule.tcpFlags().none() && rule.protocol() != Protocols.TCP) {
            throw problem(origin, "flags", "TCP flags need proto tcp (proto is " + Protocols.name(rule.protocol()) + ")");
        }
        return rule;
    }

    private static RuleException problem(String origin, String field, String message) {
        return new RuleException(origin + ": " + field + ": " + message);
    }
}

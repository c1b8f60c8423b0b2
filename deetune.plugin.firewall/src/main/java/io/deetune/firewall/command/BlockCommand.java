package io.deetune.firewall.command;

import io.deetune.firewall.Blocklist;
import java.time.Duration;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "firewall", name = "block", description = "Drops every packet from a source address or prefix, before any rule.")
public class BlockCommand implements Action {

    @Reference
    Blocklist blocklist;

    @Argument(index = 0, name = "cidr", required = true, description = "address or prefix, IPv4 or IPv6")
    String cidr;

    @Option(name = "--for", description = "how long: 30s, 10m, 2h, 1d or ISO-8601 (PT10M); default: until unblocked")
    String duration;

    @Override
    public Object execute() {
        if (duration == null) {
            blocklist.block(cidr);
            System.out.println("blocked " + cidr);
        } else {
            blocklist.block(cidr, parse(duration));
            System.out.println("blocked " + cidr + " for " + duration);
        }
        return null;
    }

    static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.matches("\\d+[smhd]")) {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--for: '" + text + "' is not a duration (30s, 10m, 2h, 1d or PT10M)");
        }
    }
}

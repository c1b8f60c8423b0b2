package io.deetune.firewall.command;

import io.deetune.firewall.Drops;
import io.deetune.firewall.Firewall;
import io.deetune.firewall.FirewallRule;
import io.deetune.firewall.FirewallStatus;
import io.deetune.firewall.RuleHits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "firewall", name = "stats", description = "Top rules by hits, and drops of malformed and blocklisted packets and of tiny fragments.")
public class StatsCommand implements Action {

    @Reference
    Firewall firewall;

    @Option(name = "--top", description = "how many rules to show (default 10)")
    int top = 10;

    /** A row of the table: the rule's number (empty for the default policy), its text and its hits. */
    private record Line(Object number, String rule, RuleHits hits) {}

    @Override
    public Object execute() {
        FirewallStatus status = firewall.status();
        if (!status.loaded()) {
            System.out.println("the firewall stage is not loaded into any pipeline yet");
            return null;
        }
        // In rank order, the default policy last; the sort below is stable, so equal hits keep that order.
        List<Line> lines = new ArrayList<>();
        for (int rank = 0; rank < status.rules().size(); rank++) {
            FirewallRule rule = status.rules().get(rank);
            int number = rank + 1;
            rule.hits().ifPresent(hits -> lines.add(new Line(number, rule.rule(), hits)));
        }
        status.defaultPolicyHits().ifPresent(hits -> lines.add(new Line("", "default " + status.defaultPolicy(), hits)));
        long now = System.nanoTime();
        ShellTable table = new ShellTable();
        table.column("#");
        table.column("Rule");
        table.column("Packets").alignRight();
        table.column("Bytes").alignRight();
        table.column("Last hit").alignRight();
        lines.stream()
                .sorted(Comparator.comparingLong((Line line) -> line.hits().packets()).reversed())
                .limit(top)
                .forEach(line -> table.addRow().addContent(line.number(), line.rule(), line.hits().packets(),
                        line.hits().bytes(), line.hits().lastHitNanos() == 0 ? "never"
                                : Duration.ofNanos(now - line.hits().lastHitNanos()).toSeconds() + " s ago"));
        table.print(System.out);
        Drops drops = status.drops().orElseThrow();
        System.out.println("dropped as malformed: " + drops.malformed() + ", by the blocklist: " + drops.blocked()
                + ", as tiny fragments: " + drops.tinyFragments());
        return null;
    }
}

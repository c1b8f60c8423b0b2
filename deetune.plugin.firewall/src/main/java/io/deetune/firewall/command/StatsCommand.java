package io.deetune.firewall.command;

import io.deetune.firewall.internal.FirewallStage;
import io.deetune.firewall.internal.RuleSet;
import io.deetune.firewall.internal.RuleTables.RuleCounter;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
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
    FirewallStage firewall;

    @Option(name = "--top", description = "how many rules to show (default 10)")
    int top = 10;

    @Override
    public Object execute() {
        long[] drops = firewall.drops();
        if (drops == null) {
            System.out.println("the firewall stage is not loaded into any pipeline yet");
            return null;
        }
        RuleSet set = firewall.ruleSet();
        List<RuleCounter> counters = firewall.counters();
        long now = System.nanoTime();
        ShellTable table = new ShellTable();
        table.column("#");
        table.column("Rule");
        table.column("Packets").alignRight();
        table.column("Bytes").alignRight();
        table.column("Last hit").alignRight();
        IntStream.range(0, counters.size()).boxed()
                .sorted(Comparator.comparingLong((Integer rank) -> counters.get(rank).packets()).reversed())
                .limit(top)
                .forEach(rank -> {
                    RuleCounter c = counters.get(rank);
                    boolean fallback = rank == set.rules().size();
                    table.addRow().addContent(fallback ? "" : rank + 1,
                            fallback ? "default " + set.defaultPolicy() : set.rules().get(rank).toSyntax(),
                            c.packets(), c.bytes(), c.lastHitNanos() == 0 ? "never"
                                    : Duration.ofNanos(now - c.lastHitNanos()).toSeconds() + " s ago");
                });
        table.print(System.out);
        System.out.println("dropped as malformed: " + drops[0] + ", by the blocklist: " + drops[1]
                + ", as tiny fragments: " + drops[2]);
        return null;
    }
}

package io.deetune.web.internal.metrics;

import io.deetune.firewall.Drops;
import io.deetune.firewall.Firewall;
import io.deetune.firewall.FirewallRule;
import io.deetune.firewall.FirewallStatus;
import io.deetune.firewall.RuleHits;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Per firewall rule: hits and bytes; the default policy's hits; drops by reason. Starts with the firewall. */
@Component(service = MultiCollector.class, property = MetricsServlet.COLLECTOR + "=true")
public final class FirewallMetrics implements MultiCollector {

    private final Firewall firewall;

    @Activate
    public FirewallMetrics(@Reference Firewall firewall) {
        this.firewall = firewall;
    }

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        FirewallStatus status = firewall.status();
        List<FirewallRule> rules = status.rules();
        for (int i = 0; i < rules.size(); i++) {
            FirewallRule rule = rules.get(i);
            // The position keeps two equal rules (from the file and from a command) apart.
            String[] labels = {"rule", rule.rule(), "origin", rule.origin(), "position", Integer.toString(i)};
            RuleHits hits = rule.hits().orElse(new RuleHits(0, 0, 0));
            f.counter("deetune_firewall_rule_packets", "Packets a firewall rule matched", hits.packets(), labels);
            f.counter("deetune_firewall_rule_bytes", "Bytes of the packets a firewall rule matched", hits.bytes(), labels);
        }
        RuleHits policy = status.defaultPolicyHits().orElse(new RuleHits(0, 0, 0));
        String action = status.defaultPolicy().name().toLowerCase(java.util.Locale.ROOT);
        f.counter("deetune_firewall_default_policy_packets", "Packets no rule matched", policy.packets(), "action", action);
        f.counter("deetune_firewall_default_policy_bytes", "Bytes of the packets no rule matched", policy.bytes(), "action", action);
        Drops drops = status.drops().orElse(new Drops(0, 0, 0));
        f.counter("deetune_firewall_drops", "Packets the firewall dropped before any rule, by reason", drops.malformed(), "reason", "malformed");
        f.counter("deetune_firewall_drops", "Packets the firewall dropped before any rule, by reason", drops.blocked(), "reason", "blocklist");
        f.counter("deetune_firewall_drops", "Packets the firewall dropped before any rule, by reason", drops.tinyFragments(), "reason", "tiny-fragment");
        return new MetricSnapshots(f.snapshots());
    }
}

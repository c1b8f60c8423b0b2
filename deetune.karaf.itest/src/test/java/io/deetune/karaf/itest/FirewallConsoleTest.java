package io.deetune.karaf.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.deetune.bpf.testing.UdpTraffic;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * The firewall driven from Karaf's console, against real traffic: a rule added in the shell drops at once and
 * counts its hits, removing it lets traffic through again, the blocklist does the same for a source, and a bad rule
 * is refused with the field at fault while the rule set in force stays.
 */
public class FirewallConsoleTest extends PipelineLabTestBase {

    private static final int PORT = 7200;
    private static final int BURST = 200;

    public FirewallConsoleTest() {
        super("fwconsole", "10.80.0");
    }

    private int burst(UdpTraffic.Receiver receiver) throws InterruptedException {
        return burst(receiver, PORT, BURST);
    }

    @Test
    public void rulesAndBlocksFromTheShellApplyAtOnce() throws Exception {
        String iface = hosts.server() + ":veth-s";
        admin("deetune:attach " + pipeline + " " + iface);
        Await.until("the firewall in pipeline " + pipeline, PATIENCE, () -> pipelines.get(pipeline)
                .map(p -> p.chain().stream().anyMatch(s -> s.name().equals("firewall"))).orElse(false));

        try (UdpTraffic.Receiver receiver = new UdpTraffic.Receiver(hosts.server(), hosts.serverAddress(), PORT)) {
            assertEquals("before any rule", BURST, burst(receiver));

            String added = admin("firewall:rule-add deny proto udp dport " + PORT + " src " + hosts.clientAddress() + "/32 priority 5");
            Matcher number = Pattern.compile("rule #(\\d+) added").matcher(added);
            assertTrue(added, number.find());
            assertEquals("a deny rule from the shell", 0, burst(receiver));
            String list = admin("firewall:rule-list");
            assertTrue(list, list.contains("dport " + PORT) && list.contains(String.valueOf(BURST)));
            String stats = admin("firewall:stats");
            assertTrue(stats, stats.contains(String.valueOf(BURST)));

            String refused = admin("firewall:rule-add deny proto udp dport 70000");
            assertTrue(refused, refused.contains("dport") && refused.contains("70000"));
            assertEquals("the rule set in force stayed", 0, burst(receiver));

            admin("firewall:rule-remove " + number.group(1));
            assertEquals("after rule-remove", BURST, burst(receiver));

            admin("firewall:block " + hosts.clientAddress() + "/32");
            String blocklist = admin("firewall:blocklist");
            assertTrue(blocklist, blocklist.contains(hosts.clientAddress()));
            assertEquals("a blocked source", 0, burst(receiver));
            admin("firewall:unblock " + hosts.clientAddress() + "/32");
            assertEquals("after unblock", BURST, burst(receiver));
        }
    }
}

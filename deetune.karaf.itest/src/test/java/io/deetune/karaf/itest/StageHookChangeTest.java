package io.deetune.karaf.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.deetune.bpf.testing.UdpTraffic;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.StageInfo;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.junit.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A stage that changes its hook while it runs: the firewall's {@code deetune.stage.hook} goes from xdp to tc-ingress
 * and back in its configuration, with an XDP and a tc-ingress pipeline on the same interface. The firewall leaves
 * one chain and joins the other, its rules go with it, and real traffic is judged by whichever hook holds it.
 */
public class StageHookChangeTest extends PipelineLabTestBase {

    private static final String FIREWALL_PID = "io.deetune.firewall";
    private static final String TC_PIPELINE = "hooktc";
    private static final int PORT = 7300;
    private static final int BURST = 200;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    public StageHookChangeTest() {
        super("hookxdp", "10.81.0");
    }

    private int burst(UdpTraffic.Receiver receiver) throws InterruptedException {
        return burst(receiver, PORT, BURST);
    }

    private Optional<StageInfo> firewallIn(String pipelineName) {
        return pipelines.get(pipelineName).map(PipelineInfo::chain).flatMap(chain -> chain.stream()
                .filter(s -> s.name().equals("firewall")).findFirst());
    }

    private void awaitFirewallOnlyIn(String holder, String other) throws InterruptedException {
        Await.until("the firewall in " + holder + " and not in " + other, PATIENCE,
                () -> firewallIn(holder).isPresent() && firewallIn(other).isEmpty());
    }

    private void setFirewallHook(String hook) throws Exception {
        Configuration firewall = configurationAdmin.getConfiguration(FIREWALL_PID, "?");
        Dictionary<String, Object> properties = firewall.getProperties() == null ? new Hashtable<>() : firewall.getProperties();
        properties.put("deetune.stage.hook", hook);
        firewall.update(properties);
    }

    @Test
    public void theFirewallMovesBetweenHooksWhileTrafficFlows() throws Exception {
        String iface = hosts.server() + ":veth-s";
        admin("deetune:attach " + pipeline + " " + iface);
        Configuration tcPipeline = configurationAdmin.getFactoryConfiguration("io.deetune.pipeline", TC_PIPELINE, "?");
        Hashtable<String, Object> tc = new Hashtable<>();
        tc.put("name", TC_PIPELINE);
        tc.put("hook", "tc-ingress");
        tc.put("interfaces", iface);
        tcPipeline.update(tc);
        String rule = null;
        try (UdpTraffic.Receiver receiver = new UdpTraffic.Receiver(hosts.server(), hosts.serverAddress(), PORT)) {
            Await.until("pipeline " + TC_PIPELINE, PATIENCE, () -> pipelines.get(TC_PIPELINE).isPresent());
            awaitFirewallOnlyIn(pipeline, TC_PIPELINE);
            String added = admin("firewall:rule-add deny proto udp dport " + PORT);
            Matcher number = Pattern.compile("rule #(\\d+) added").matcher(added);
            assertTrue(added, number.find());
            rule = number.group(1);
            assertEquals("dropped at XDP", 0, burst(receiver));
            assertEquals(BURST, firewallIn(pipeline).orElseThrow().stats().dropped());

            setFirewallHook("tc-ingress");
            awaitFirewallOnlyIn(TC_PIPELINE, pipeline);
            assertEquals("the rule went along: dropped at tc ingress", 0, burst(receiver));
            assertEquals(BURST, firewallIn(TC_PIPELINE).orElseThrow().stats().dropped());

            setFirewallHook("xdp");
            awaitFirewallOnlyIn(pipeline, TC_PIPELINE);
            assertEquals("dropped at XDP again", 0, burst(receiver));
            String list = admin("firewall:rule-list");
            assertTrue(list, list.contains("dport " + PORT));
        } finally {
            setFirewallHook("xdp");
            if (rule != null) {
                admin("firewall:rule-remove " + rule);
            }
            tcPipeline.delete();
        }
    }
}

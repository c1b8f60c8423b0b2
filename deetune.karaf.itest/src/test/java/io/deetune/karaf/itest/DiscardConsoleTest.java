package io.deetune.karaf.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.deetune.bpf.testing.UdpTraffic;
import java.util.Hashtable;
import javax.inject.Inject;
import org.junit.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The example plugin in the distribution: its feature (offered, not booted) installs offline from the console, the
 * stage joins the pipeline and drops datagrams to the discard port by default, discard:hits counts them, a change of
 * its configuration applies at once, a bad one is refused with the field and value named while the ports in force
 * stay, and uninstalling the feature takes the stage out of the chain.
 */
public class DiscardConsoleTest extends PipelineLabTestBase {

    private static final String PID = "io.deetune.discard";
    private static final int DISCARD_PORT = 9;
    private static final int PORT = 7400;
    private static final int BURST = 200;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    public DiscardConsoleTest() {
        super("discard", "10.84.0");
    }

    private boolean discardInChain() {
        return pipelines.get(pipeline).map(p -> p.chain().stream().anyMatch(s -> s.name().equals("discard"))).orElse(false);
    }

    private void setPorts(String ports) throws Exception {
        Configuration configuration = configurationAdmin.getConfiguration(PID, "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("ports", ports);
        configuration.update(properties);
    }

    @Test
    public void theExampleFeatureInstallsDiscardsAndCountsFromTheShellAndLeavesWithItsFeature() throws Exception {
        admin("deetune:attach " + pipeline + " " + hosts.server() + ":veth-s");
        String installed = admin("feature:install deetune-discard");
        try (UdpTraffic.Receiver discard = new UdpTraffic.Receiver(hosts.server(), hosts.serverAddress(), DISCARD_PORT);
             UdpTraffic.Receiver other = new UdpTraffic.Receiver(hosts.server(), hosts.serverAddress(), PORT)) {
            Await.until("the discard stage in pipeline " + pipeline + " (feature:install said: " + installed + ")", PATIENCE,
                    this::discardInChain);
            assertEquals("to the discard port, by default", 0, burst(discard, DISCARD_PORT, BURST));
            assertEquals("to another port", BURST, burst(other, PORT, BURST));
            String hits = admin("discard:hits udp/9");
            assertTrue(hits, hits.matches("(?s).*udp/9 \\|\\s+" + BURST + " \\|.*"));

            setPorts("udp/9, udp/" + PORT);
            Await.until("udp/" + PORT + " in discard:hits", PATIENCE, () -> admin("discard:hits").contains("udp/" + PORT));
            assertEquals("to a port added in the configuration", 0, burst(other, PORT, BURST));

            setPorts("udp/" + PORT + ", udp/70000");
            Await.until("the refused configuration in discard:hits", PATIENCE,
                    () -> admin("discard:hits").contains("configuration refused: io.deetune.discard: ports: 'udp/70000': port 70000 is outside 1..65535"));
            assertEquals("the ports in force stayed", 0, burst(other, PORT, BURST));
            assertTrue(admin("discard:hits"), admin("discard:hits").matches("(?s).*udp/" + PORT + " \\|\\s+" + 2 * BURST + " \\|.*"));

            admin("feature:uninstall deetune-discard");
            Await.until("the discard stage out of pipeline " + pipeline, PATIENCE, () -> !discardInChain());
            assertEquals("with the feature gone", BURST, burst(other, PORT, BURST));
        } finally {
            configurationAdmin.getConfiguration(PID, "?").delete();
        }
    }
}

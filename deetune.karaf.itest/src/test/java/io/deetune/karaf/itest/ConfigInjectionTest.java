package io.deetune.karaf.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.After;
import org.junit.Test;

/**
 * Strings typed into commands end up in .cfg files, HTTP requests and log lines: a line break in them is refused with
 * a clear error, and the file stays as it was. Files are written by Karaf's own writer (ConfigRepository).
 */
public class ConfigInjectionTest extends DistributionTestBase {

    private static final String SERVICE = "inject";
    private static final String ADD = "lb:service-add --health http --health-path $path " + SERVICE + " 10.79.200.1:80 10.79.201.2:80";

    @After
    public void removeService() {
        admin("lb:service-remove " + SERVICE);
    }

    private static Path serviceFile() {
        return Path.of(System.getProperty("karaf.etc"), "io.deetune.lb.service-" + SERVICE + ".cfg");
    }

    @Test
    public void aHealthPathWithALineBreakIsRefusedAndTheServiceFileStaysAsItWas() throws Exception {
        String added = admin(ADD, Map.of("path", "/ok"));
        assertTrue(added, added.contains("service " + SERVICE));
        String before = settled(serviceFile());
        assertTrue(before, before.lines().anyMatch(line -> line.matches("healthPath\\s*=\\s*/ok")));

        String refused = admin(ADD, Map.of("path", "/ok\r\nHost: evil\r\nX: y"));
        assertTrue(refused, refused.contains("healthCheck.path") && refused.contains("control character (U+000D)"));
        assertFalse(refused, refused.contains("\r\nHost"));
        assertEquals(before, settled(serviceFile()));
        String list = admin("lb:service-list");
        assertFalse(list, list.contains("evil"));
    }

    /**
     * The file once it has stopped changing: after a command's update, Felix FileInstall writes the configuration
     * back to its file asynchronously (truncating it first), so a read at that moment sees an empty file.
     */
    private static String settled(java.nio.file.Path file) throws Exception {
        String last = Files.readString(file);
        for (int i = 0; i < 50; i++) {
            Thread.sleep(200);
            String now = Files.readString(file);
            if (now.equals(last) && !now.isEmpty()) {
                return now;
            }
            last = now;
        }
        return last;
    }

    @Test
    public void anInterfaceWithALineBreakIsRefusedBeforeAnythingIsWritten() throws Exception {
        String refused = admin("deetune:attach injected $iface", Map.of("iface", "lo\nhook = tc-egress"));
        assertTrue(refused, refused.contains("interface: ") && refused.contains("control character (U+000A)"));
        String pipelines = admin("deetune:pipelines");
        assertFalse(pipelines, pipelines.contains("injected"));
    }

    @Test
    public void aFirewallRuleWithALineBreakIsRefused() {
        String refused = admin("firewall:rule-add $rule", Map.of("rule", "deny proto udp dport 9\nallow"));
        assertTrue(refused, refused.contains("control character U+000A"));
        String rules = admin("firewall:rule-list");
        assertFalse(rules, rules.contains("dport 9 "));
    }
}

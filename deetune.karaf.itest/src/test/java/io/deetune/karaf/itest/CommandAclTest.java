package io.deetune.karaf.itest;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import javax.security.auth.Subject;
import org.junit.Test;

/**
 * The command ACLs of the distribution (etc/org.apache.karaf.command.acl.{deetune,lb,firewall}.cfg) split the console
 * like the REST API: a viewer runs the reading commands, only an admin the changing ones.
 */
public class CommandAclTest extends DistributionTestBase {

    private static final Subject VIEWER = KarafConsole.user("acl-viewer", "viewer", "ssh");

    private String asViewer(String command) {
        return console.execute(VIEWER, command);
    }

    private static boolean refused(String output) {
        return output.contains("Insufficient credentials") || output.contains("CommandNotFoundException");
    }

    @Test
    public void aViewerReadsButOnlyAnAdminChanges() throws Exception {
        String karafOwn = asViewer("bundle:install mvn:io.deetune/no-such-bundle/0");
        assertTrue("Karaf's own ACL (bundle:install = admin) applies in this harness: " + karafOwn, refused(karafOwn));
        for (String read : new String[] {"deetune:pipelines", "deetune:stages", "lb:service-list", "lb:stats",
                "firewall:rule-list", "firewall:stats", "firewall:blocklist", "firewall:policy"}) {
            String output = asViewer(read);
            assertFalse(read + " as a viewer: " + output, refused(output));
        }
        for (String change : new String[] {"lb:service-add acl-web 10.76.0.100:80 10.76.0.2:80", "lb:service-remove acl-web",
                "firewall:rule-add deny proto udp dport 9 priority 5", "firewall:block 192.0.2.1", "firewall:policy deny",
                "deetune:detach acl-none"}) {
            String output = asViewer(change);
            assertTrue(change + " as a viewer: " + output, refused(output));
        }
        assertFalse("nothing of the refused changes happened", admin("lb:service-list").contains("acl-web"));
        assertFalse(admin("firewall:blocklist").contains("192.0.2.1"));
        String added = admin("lb:service-add acl-web 10.76.0.100:80 10.76.0.2:80");
        assertFalse("an admin may: " + added, refused(added));
        assertTrue(admin("lb:service-list").contains("acl-web"));
        admin("lb:service-remove acl-web");
    }
}

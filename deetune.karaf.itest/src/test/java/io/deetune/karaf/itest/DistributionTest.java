package io.deetune.karaf.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;
import javax.inject.Inject;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * Boots the DeeTune distribution on the build's JDK and checks it from inside: it runs, DeeTune's feature and
 * bundles are up, and the console runs commands as the JAAS user who typed them, with role checks (what the
 * console agent restores on JDK 24+).
 */
public class DistributionTest extends DistributionTestBase {

    @Inject
    private BundleContext context;

    @Inject
    private FeaturesService features;

    @Test
    public void bootsOnThisJdkWithEveryBundleActive() throws InterruptedException {
        // Pax Exam installs its own bundles (hamcrest, the probe) while the test starts: give them time on a busy box.
        List<String> notActive = notActiveBundles();
        for (int attempt = 0; attempt < 150 && !notActive.isEmpty(); attempt++) {
            Thread.sleep(200);
            notActive = notActiveBundles();
        }
        assertEquals("bundles that are not active", List.of(), notActive);
        assertTrue("Java " + Runtime.version(), Runtime.version().feature() >= 25);
    }

    private List<String> notActiveBundles() {
        return Arrays.stream(context.getBundles())
                .filter(b -> b.getState() != Bundle.ACTIVE && b.getHeaders().get(Constants.FRAGMENT_HOST) == null)
                .map(b -> b.getSymbolicName() + " " + b.getVersion() + " state " + b.getState())
                .toList();
    }

    @Test
    public void deetuneCoreFeatureIsInstalledWithItsBundlesActive() throws Exception {
        Feature core = features.getFeature("deetune-core");
        assertTrue("feature deetune-core is not installed", features.isInstalled(core));
        for (String name : List.of("io.deetune.bpf", "io.deetune.core")) {
            Bundle bundle = Arrays.stream(context.getBundles()).filter(b -> name.equals(b.getSymbolicName()))
                    .findFirst().orElseThrow(() -> new AssertionError("bundle " + name + " is not installed"));
            assertEquals(name + " state", Bundle.ACTIVE, bundle.getState());
        }
    }

    /** A plugin's bundle is named after its folder (deetune.plugin.firewall -> io.deetune.plugin.firewall). */
    @Test
    public void theFirewallBundleIsNamedAfterItsFolder() {
        Bundle firewall = Arrays.stream(context.getBundles()).filter(b -> "io.deetune.plugin.firewall".equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError("bundle io.deetune.plugin.firewall is not installed"));
        assertEquals("io.deetune.plugin.firewall state", Bundle.ACTIVE, firewall.getState());
    }

    @Test
    public void deetuneCommandRunsThroughTheShellAndPrintsItsTable() {
        String output = admin("deetune:pipelines");
        assertTrue(output, output.contains("Name") && output.contains("Hook") && output.contains("Interfaces"));
    }

    @Test
    public void commandsSeeTheUserWhoRunsThem() {
        String output = console.execute(KarafConsole.user("alice", "viewer"), "jaas:whoami");
        assertTrue(output, output.contains("alice"));
    }

    @Test
    public void adminCommandsNeedTheAdminRole() throws Exception {
        String refused = console.execute(KarafConsole.user("victor", "viewer"), "feature:install scheduler");
        assertTrue(refused, refused.contains("Insufficient credentials") || refused.contains("Command not found"));
        assertTrue("a viewer installed a feature", !features.isInstalled(features.getFeature("scheduler")));

        admin("feature:install scheduler");
        assertTrue("admin could not install a feature", features.isInstalled(features.getFeature("scheduler")));
    }
}

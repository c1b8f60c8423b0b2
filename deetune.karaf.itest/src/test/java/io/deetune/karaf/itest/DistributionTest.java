package io.deetune.karaf.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import java.util.Arrays;
import java.util.List;
import javax.inject.Inject;
import javax.security.auth.Subject;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * Boots the DeeTune distribution on the build's JDK and checks it from inside: it runs, DeeTune's feature and
 * bundles are up, and the console runs commands as the JAAS user who typed them, with role checks (what the
 * console agent restores on JDK 24+).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionTest {

    @Inject
    private BundleContext context;

    @Inject
    private FeaturesService features;

    @Inject
    private SessionFactory sessions;

    @Configuration
    public Option[] configuration() {
        return DeeTuneDistribution.options();
    }

    @Test
    public void bootsOnThisJdkWithEveryBundleActive() {
        List<String> notActive = Arrays.stream(context.getBundles())
                .filter(b -> b.getState() != Bundle.ACTIVE && b.getHeaders().get(Constants.FRAGMENT_HOST) == null)
                .map(b -> b.getSymbolicName() + " " + b.getVersion() + " state " + b.getState())
                .toList();
        assertEquals("bundles that are not active", List.of(), notActive);
        assertTrue("Java " + Runtime.version(), Runtime.version().feature() >= 25);
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

    @Test
    public void deetuneCommandRunsThroughTheShellAndPrintsItsTable() throws Exception {
        String output = execute(user("admin", "admin", "manager", "viewer"), "deetune:pipelines");
        assertTrue(output, output.contains("Name") && output.contains("Hook") && output.contains("Interfaces"));
    }

    @Test
    public void commandsSeeTheUserWhoRunsThem() throws Exception {
        String output = execute(user("alice", "viewer"), "jaas:whoami");
        assertTrue(output, output.contains("alice"));
    }

    @Test
    public void adminCommandsNeedTheAdminRole() throws Exception {
        String refused = execute(user("victor", "viewer"), "feature:install scheduler");
        assertTrue(refused, refused.contains("Insufficient credentials") || refused.contains("Command not found"));
        assertTrue("a viewer installed a feature", !features.isInstalled(features.getFeature("scheduler")));

        execute(user("admin", "admin", "manager", "viewer"), "feature:install scheduler");
        assertTrue("admin could not install a feature", features.isInstalled(features.getFeature("scheduler")));
    }

    private static Subject user(String name, String... roles) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(name));
        for (String role : roles) {
            subject.getPrincipals().add(new RolePrincipal(role));
        }
        return subject;
    }

    /** Runs a command as {@code subject} in a new shell session, like the console does; returns what it printed. */
    @SuppressWarnings("removal") // Subject.doAs: what Karaf's own code calls, retargeted by the agent
    private String execute(Subject subject, String command) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Session session = sessions.create(InputStream.nullInputStream(), out, out);
        try {
            Object result = Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
            if (result != null) {
                out.println(result);
            }
        } catch (Exception e) {
            // What the user would see in the console.
            out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            session.close();
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}

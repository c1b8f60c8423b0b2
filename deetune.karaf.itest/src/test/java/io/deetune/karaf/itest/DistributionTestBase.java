package io.deetune.karaf.itest;

import java.util.Map;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * What every test of the distribution shares: DeeTune's Karaf, booted once per class, its console (commands run
 * inside the container as a JAAS user, see {@link KarafConsole}), and pin clean-up.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public abstract class DistributionTestBase {

    @Inject
    protected SessionFactory sessions;

    protected KarafConsole console;

    @Configuration
    public Option[] configuration() {
        return DeeTuneDistribution.options();
    }

    @Before
    public void openConsole() {
        console = new KarafConsole(sessions);
    }

    /** Runs a console command as the admin user; returns what it printed. */
    protected String admin(String command) {
        return console.execute(KarafConsole.ADMIN, command);
    }

    /** As {@link #admin(String)}, with session variables set first (the command reads them as {@code $name}). */
    protected String admin(String command, Map<String, Object> variables) {
        return console.execute(KarafConsole.ADMIN, command, variables);
    }

    @AfterClass
    public static void removePins() throws InterruptedException {
        DeeTuneDistribution.removePins();
    }
}

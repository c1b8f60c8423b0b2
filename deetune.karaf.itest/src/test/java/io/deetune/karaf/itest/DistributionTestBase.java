package io.deetune.karaf.itest;

import org.junit.AfterClass;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** What every test of the distribution shares: DeeTune's Karaf, booted once per class, and pin clean-up. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public abstract class DistributionTestBase {

    @Configuration
    public Option[] configuration() {
        return DeeTuneDistribution.options();
    }

    @AfterClass
    public static void removePins() throws InterruptedException {
        DeeTuneDistribution.removePins();
    }
}

package io.deetune.karaf.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Pipelines;
import io.deetune.core.api.StageInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * A pipeline attached from the console to an interface in a namespace of the test's own, then a stage bundle
 * copied into Karaf's deploy/ folder joins its chain, and leaves it when the file is deleted: no restart.
 * Needs root (network namespaces, bpf()), like every test of ./deetune test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotDeployTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String PIPELINE = "hotdeploy";
    private static final String STAGE = "itest";

    @Inject
    private Pipelines pipelines;

    @Inject
    private SessionFactory sessions;

    private KarafConsole console;

    private final String namespace = "dt-itest-" + ProcessHandle.current().pid();
    private final String iface = namespace + ":hd0";

    @Configuration
    public Option[] configuration() {
        return DeeTuneDistribution.options();
    }

    @Before
    public void createNamespaceWithAnInterface() throws Exception {
        console = new KarafConsole(sessions);
        run("ip", "netns", "add", namespace);
        run("ip", "-n", namespace, "link", "add", "hd0", "type", "veth", "peer", "name", "hd1");
        run("ip", "-n", namespace, "link", "set", "hd0", "up");
        run("ip", "-n", namespace, "link", "set", "hd1", "up");
    }

    @After
    public void removePipelineAndNamespace() throws Exception {
        console.execute(KarafConsole.ADMIN, "deetune:detach " + PIPELINE);
        run("ip", "netns", "delete", namespace);
    }

    @Test
    public void stageBundleDroppedIntoDeployJoinsTheChainAndLeavesItWhenDeleted() throws Exception {
        String attached = console.execute(KarafConsole.ADMIN, "deetune:attach " + PIPELINE + " " + iface);
        assertTrue(attached, attached.contains("attaching to " + iface));
        await("the pipeline on " + iface, () -> pipelines.get(PIPELINE)
                .map(p -> p.interfaces().contains(iface) && p.problems().isEmpty()).orElse(false));
        // What a user sees with bpftool: the dispatcher's program attached to the interface.
        int dispatcher = pipelines.get(PIPELINE).orElseThrow().chain().getFirst().programId();
        String kernel = run("ip", "netns", "exec", namespace, "bpftool", "net", "show", "dev", "hd0");
        assertTrue("bpftool net does not show the dispatcher (id " + dispatcher + ") on hd0:\n" + kernel,
                Pattern.compile("(?m)^hd0\\(\\d+\\) \\w+ id " + dispatcher + "$").matcher(kernel).find());

        Path deployed = Path.of(System.getProperty("karaf.home"), "deploy", "deetune.itest.stage.jar");
        Files.copy(Path.of(System.getProperty(DeeTuneDistribution.TEST_STAGE_PROPERTY)), deployed,
                StandardCopyOption.REPLACE_EXISTING);
        await("stage " + STAGE + " in the chain of " + PIPELINE, () -> chain().contains(STAGE));
        String stages = console.execute(KarafConsole.ADMIN, "deetune:stages " + PIPELINE);
        assertTrue(stages, stages.contains(STAGE) && stages.contains("dispatcher"));

        Files.delete(deployed);
        await("stage " + STAGE + " out of the chain of " + PIPELINE, () -> !chain().contains(STAGE));
        assertEquals(List.of("dispatcher"), chain());
    }

    private List<String> chain() {
        return pipelines.get(PIPELINE).map(PipelineInfo::chain).orElse(List.of()).stream().map(StageInfo::name)
                .toList();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("gave up waiting " + PATIENCE.toSeconds() + " s for " + what);
            }
            Thread.sleep(200);
        }
    }

    /** Runs a command of the machine; fails with its output unless it succeeds. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        if (status != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + status + ":\n" + output);
        }
        return output;
    }
}

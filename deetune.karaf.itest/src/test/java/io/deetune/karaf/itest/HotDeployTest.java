package io.deetune.karaf.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import io.deetune.bpf.testing.UdpTraffic;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.StageInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * Hot deploy through Karaf's deploy/ folder, with UDP traffic flowing through the pipeline the whole time: a
 * stage bundle copied there joins the chain, copying it again upgrades the stage in place, deleting it takes
 * the stage out; no restart and no datagram lost. The pipeline is attached from the console to a veth of a
 * namespace lab of the test's own. Needs root (network namespaces, bpf()), like every test of ./deetune test.
 */
public class HotDeployTest extends PipelineLabTestBase {

    private static final String STAGE = "itest";
    private static final int PORT = 7000;
    private static final long GAP_NANOS = 100_000;

    public HotDeployTest() {
        super("hotdeploy", "10.79.0");
    }

    @Test
    public void stageBundleInDeployJoinsIsUpgradedAndLeavesTheChainWithoutLosingADatagram() throws Exception {
        String iface = hosts.server() + ":veth-s";
        String attached = admin("deetune:attach " + pipeline + " " + iface);
        assertTrue(attached, attached.contains("attaching to " + iface));
        await("the pipeline on " + iface, () -> pipelineInfo()
                .map(p -> p.interfaces().contains(iface) && p.problems().isEmpty()).orElse(false));
        // The stages the distribution itself brings (the firewall, ...) stay; the test stage comes and goes.
        List<String> before = chain();
        // What a user sees with bpftool: the dispatcher's program attached to the interface.
        int dispatcher = pipelineInfo().orElseThrow().chain().getFirst().programId();
        String kernel = lab.exec(hosts.server(), "bpftool", "net", "show", "dev", "veth-s");
        assertTrue("bpftool net does not show the dispatcher (id " + dispatcher + ") on veth-s:\n" + kernel,
                Pattern.compile("(?m)^veth-s\\(\\d+\\) \\w+ id " + dispatcher + "$").matcher(kernel).find());

        Path jar = Path.of(System.getProperty(DeeTuneDistribution.TEST_STAGE_PROPERTY));
        Path deployed = Path.of(System.getProperty("karaf.home"), "deploy", "deetune.itest.stage.jar");
        try (UdpTraffic.Receiver receiver = new UdpTraffic.Receiver(hosts.server(), hosts.serverAddress(), PORT)) {
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(() -> UdpTraffic.sendWhile(
                    hosts.client(), hosts.serverAddress(), PORT, () -> !stop.get(), GAP_NANOS));
            await("datagrams to arrive", () -> receiver.received() > 100);

            Files.copy(jar, deployed, StandardCopyOption.REPLACE_EXISTING);
            await("stage " + STAGE + " in the chain", () -> stage().isPresent());
            String stages = admin("deetune:stages " + pipeline);
            assertTrue(stages, stages.contains(STAGE) && stages.contains("dispatcher"));
            int first = stage().orElseThrow().programId();

            // A newer file over the old one: Karaf updates the bundle, the core swaps the stage in place.
            Files.copy(jar, deployed, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(deployed, FileTime.from(Instant.now().plusSeconds(2)));
            await("stage " + STAGE + " to be upgraded", () -> stage().map(s -> s.programId() != first).orElse(false));
            int upgraded = stage().orElseThrow().programId();
            assertNotEquals(first, upgraded);

            Files.delete(deployed);
            await("stage " + STAGE + " to leave the chain", () -> stage().isEmpty());
            assertEquals(before, chain());

            stop.set(true);
            int count = sent.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            receiver.awaitCount(count, 3000);
            int lost = receiver.missing(count).cardinality();
            System.out.printf("hot deploy under traffic: %d datagrams sent, %d lost; stage program %d upgraded to %d%n",
                    count, lost, first, upgraded);
            assertEquals("datagrams lost out of " + count + " while the stage joined, was upgraded and left", 0, lost);
        }
    }

    private Optional<PipelineInfo> pipelineInfo() {
        return pipelines.get(pipeline);
    }

    private Optional<StageInfo> stage() {
        return pipelineInfo().flatMap(p -> p.chain().stream().filter(s -> STAGE.equals(s.name())).findFirst());
    }

    private List<String> chain() {
        return pipelineInfo().map(PipelineInfo::chain).orElse(List.of()).stream().map(StageInfo::name).toList();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, PATIENCE, condition);
    }
}

package io.deetune.karaf.itest;

import io.deetune.bpf.testing.NetLab;
import io.deetune.bpf.testing.UdpTraffic;
import io.deetune.core.api.Pipelines;
import java.time.Duration;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;

/**
 * A test of the running distribution with a namespace lab of its own (two namespaces joined by a veth pair) and a
 * pipeline it attaches from the console; the pipeline is detached and the lab removed after each test.
 */
public abstract class PipelineLabTestBase extends DistributionTestBase {

    protected static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    protected Pipelines pipelines;

    protected final String pipeline;
    private final String subnet;
    protected NetLab lab;
    protected NetLab.Pair hosts;

    /** {@code subnet}: the lab's /24 without its last byte, e.g. "10.79.0" (client .1, server .2). */
    protected PipelineLabTestBase(String pipeline, String subnet) {
        this.pipeline = pipeline;
        this.subnet = subnet;
    }

    @Before
    public void createLab() {
        lab = new NetLab();
        hosts = lab.pair(subnet);
    }

    /** Sends {@code count} datagrams from the client to the server's {@code port}; returns how many arrived. */
    protected int burst(UdpTraffic.Receiver receiver, int port, int count) throws InterruptedException {
        int before = receiver.received();
        UdpTraffic.send(hosts.client(), hosts.serverAddress(), port, count, 100_000);
        receiver.awaitCount(before + count, 1000);
        return receiver.received() - before;
    }

    @After
    public void removePipelineAndLab() {
        admin("deetune:detach " + pipeline);
        lab.close();
    }
}

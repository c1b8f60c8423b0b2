package io.deetune.lb.internal;

import io.deetune.bpf.BpfLink;
import io.deetune.bpf.BpfObject;
import io.deetune.core.api.Hook;
import io.deetune.lb.Backend;
import io.deetune.lb.Endpoint;
import io.deetune.lb.HealthCheck;
import java.util.ArrayList;
import java.util.List;

/**
 * For bench/lb.sh: loads the stage, attaches it to the given interfaces of the LB namespace, configures one TCP
 * service and keeps it running until standard input closes. Usage:
 * {@code LbBenchMain <namespace> <xdp|tc-ingress> <redirect|pass> <algorithm> <vip:port> <if1,if2,...> <backend:port>...}
 * With {@code -Ddeetune.bench.agentPort=N} the service reads the backends' load agents on port N (every
 * {@code deetune.bench.agentIntervalMillis}, 500 ms), from the health thread in the LB's namespace as the stage does.
 */
public final class LbBenchMain {

    public static void main(String[] args) throws Exception {
        if (args.length < 7) {
            System.err.println("usage: LbBenchMain <namespace> <xdp|tc-ingress> <redirect|pass> <algorithm> <vip:port> <if1,if2,...> <backend:port>...");
            System.exit(2);
        }
        String namespace = args[0];
        Hook hook = Hook.parse(args[1]);
        boolean redirect = args[2].equals("redirect");
        Endpoint vip = Endpoint.parse("vip", args[4]);
        List<Backend> backends = new ArrayList<>();
        for (int i = 6; i < args.length; i++) {
            backends.add(Backend.parse("backends[" + (i - 6) + "]", args[i]));
        }
        try (BpfObject object = LbObjects.load(hook, redirect)) {
            LbEngine engine = new LbEngine((s, b, h, r) -> {});
            engine.attach(object::map);
            int agentPort = Integer.getInteger("deetune.bench.agentPort", 0);
            engine.putService(new io.deetune.lb.VirtualService("bench", vip.address(), vip.port(), io.deetune.lb.Protocol.TCP,
                    io.deetune.lb.Algorithm.parse(args[3]), backends, HealthCheck.NONE)
                    .withFeedback(new io.deetune.lb.LoadFeedback(agentPort, Long.getLong("deetune.bench.agentIntervalMillis", 500), 0))
                    .validate());
            HealthMonitor agents = agentPort == 0 ? null : new HealthMonitor(engine, namespace);
            // As the stage does: the interfaces XDP may redirect to, kept from the kernel's netdev family.
            EgressPorts egressPorts = new EgressPorts();
            egressPorts.attach(object::map);
            EgressMonitor egress = new EgressMonitor(egressPorts, namespace);
            List<BpfLink> links = new ArrayList<>();
            for (String ifname : args[5].split(",")) {
                links.add(LbObjects.attach(object, hook, namespace, ifname));
            }
            Thread.sleep(500); // the monitor's first synchronisation
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the script to close our input
            }
            links.forEach(BpfLink::close);
            egress.close();
            if (agents != null) {
                agents.close();
            }
            // Where packets left the stage (chain.h's counters, slot 0 in a standalone load): a drop shows here.
            long[] verdicts = new long[6];
            for (byte[] perCpu : object.map("deetune_stats").lookupPerCpu(io.deetune.bpf.Codec.U32.toBytes(0)).orElseThrow()) {
                java.nio.ByteBuffer counters = java.nio.ByteBuffer.wrap(perCpu).order(java.nio.ByteOrder.nativeOrder());
                for (int i = 0; i < verdicts.length; i++) {
                    verdicts[i] += counters.getLong(i * 8);
                }
            }
            System.out.println("stage verdicts: continue=" + verdicts[0] + " pass=" + verdicts[1] + " drop=" + verdicts[2]
                    + " tx=" + verdicts[3] + " redirect=" + verdicts[4] + " aborted=" + verdicts[5]);
            System.out.println(engine.status().getFirst());
            System.out.println("lb counters: " + engine.counters());
        }
    }
}

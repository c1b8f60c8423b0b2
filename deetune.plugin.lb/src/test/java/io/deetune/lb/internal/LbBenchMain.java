package io.deetune.lb.internal;

import io.deetune.bpf.BpfLink;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.NetNs;
import io.deetune.bpf.XdpMode;
import io.deetune.lb.Backend;
import io.deetune.lb.HealthCheck;
import java.util.ArrayList;
import java.util.List;

/**
 * For bench/lb.sh: loads the stage, attaches it to the given interfaces of the LB namespace, configures one TCP
 * service and keeps it running until standard input closes. Usage:
 * {@code LbBenchMain <namespace> <redirect|pass> <algorithm> <vip:port> <if1,if2,...> <backend:port>...}
 */
public final class LbBenchMain {

    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            System.err.println("usage: LbBenchMain <namespace> <redirect|pass> <algorithm> <vip:port> <if1,if2,...> <backend:port>...");
            System.exit(2);
        }
        String namespace = args[0];
        boolean redirect = args[1].equals("redirect");
        Specs.InetAddressAndPort vip = Specs.endpoint("vip", args[3]);
        List<Backend> backends = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            backends.add(Specs.backend("backends[" + (i - 5) + "]", args[i]));
        }
        try (BpfObject object = LbObjects.load(redirect)) {
            LbEngine engine = new LbEngine((s, b, h, r) -> {});
            engine.attach(object::map);
            engine.putService(Specs.validate(new io.deetune.lb.VirtualService("bench", vip.address(), vip.port(), io.deetune.lb.Protocol.TCP,
                    io.deetune.lb.Algorithm.parse(args[2]), backends, HealthCheck.NONE)));
            BpfProgram program = object.program("lb_xdp");
            List<BpfLink> links = new ArrayList<>();
            for (String ifname : args[4].split(",")) {
                links.add(NetNs.get(namespace, () -> program.attachXdp(NetNs.ifindexHere(ifname, namespace), XdpMode.NATIVE)));
            }
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the script to close our input
            }
            links.forEach(BpfLink::close);
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
        }
    }
}

package io.deetune.lb.internal;

import io.deetune.bpf.BpfObject;
import io.deetune.lb.Algorithm;
import io.deetune.lb.Backend;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long the connection table sweep takes with a full table (262,144 established flows, none expiring), and how
 * long a command waits for the engine meanwhile; one line per figure on standard output. Not a test: nothing about
 * timing is asserted. Usage: {@code LbSweepBench [flows] [rounds]}.
 */
public final class LbSweepBench {

    private LbSweepBench() {}

    public static void main(String[] args) throws Exception {
        int flows = args.length > 0 ? Integer.parseInt(args[0]) : 262_144;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        try (BpfObject object = LbObjects.open()) {
            object.setConstant("lb_fib_redirect", new byte[] {0});
            object.setMaxEntries("lb_flows", flows);
            object.setMaxEntries("lb_replies", flows);
            object.load();
            LbEngine engine = new LbEngine((s, b, h, r) -> {});
            engine.attach(object::map);
            List<Backend> backends = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                backends.add(new Backend(InetAddress.ofLiteral("10.1.0." + i), 8080, 1));
            }
            engine.putService(new VirtualService("bench", FlowFill.VIP, 80, Protocol.TCP,
                    Algorithm.ROUND_ROBIN, backends, HealthCheck.NONE));
            long now = System.nanoTime();
            new FlowFill(new LbMaps(object::map), backends).add(0, flows, 0, now, now, now).write();
            System.out.println(String.format(Locale.ROOT, "flows in the table: %d", engine.flows(null).size()));
            long[] millis = new long[rounds];
            long[] waits = new long[rounds];
            for (int round = 0; round < rounds; round++) {
                AtomicBoolean sweeping = new AtomicBoolean(true);
                AtomicLong longestWait = new AtomicLong();
                Thread commands = Thread.ofPlatform().start(() -> {
                    while (sweeping.get()) {
                        long start = System.nanoTime();
                        engine.service("bench");
                        longestWait.accumulateAndGet(System.nanoTime() - start, Math::max);
                        Thread.onSpinWait();
                    }
                });
                long start = System.nanoTime();
                int expired = engine.sweep(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1));
                millis[round] = (System.nanoTime() - start) / 1_000_000;
                sweeping.set(false);
                commands.join();
                waits[round] = longestWait.get() / 1_000_000;
                if (expired != 0) {
                    throw new IllegalStateException("the sweep expired " + expired + " flows");
                }
            }
            Arrays.sort(millis);
            Arrays.sort(waits);
            System.out.println(String.format(Locale.ROOT, "sweep of %d flows: median %d ms (min %d, max %d) over %d rounds",
                    flows, millis[rounds / 2], millis[0], millis[rounds - 1], rounds));
            System.out.println(String.format(Locale.ROOT, "longest wait of a command during a sweep: median %d ms (max %d)",
                    waits[rounds / 2], waits[rounds - 1]));
        }
    }
}

package io.deetune.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfObject;
import io.deetune.core.api.Hook;
import io.deetune.lb.Algorithm;
import io.deetune.lb.Backend;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection table sweep over real kernel tables larger than one batch: what it expires, and that it walks the
 * table without the engine's lock, so commands and health changes go on meanwhile.
 */
class LbSweepTest {

    private static final int TABLE = 131_072;
    /**
     * A nearly full table: an LRU map filled to its last entry may evict a few entries early (each CPU keeps a
     * small list of free ones), which would leave flows without their return entry.
     */
    private static final int FLOWS = TABLE - 4096;
    private static final Duration HOUR = Duration.ofHours(1);
    /** The methods of the binding that read the table: a sweep thread inside one of them is walking the table. */
    private static final Set<String> TABLE_WALK = Set.of("walkBatches", "keys", "lookup", "lookupRaw");

    private BpfObject object;
    private LbEngine engine;
    private LbMaps maps;
    private final List<Backend> backends = new ArrayList<>();
    private VirtualService web;

    @BeforeEach
    void load() {
        object = LbObjects.load(Hook.XDP, false, Map.of("lb_flows", TABLE, "lb_replies", TABLE));
        engine = new LbEngine((service, backend, healthy, reason) -> {});
        engine.attach(object::map);
        maps = new LbMaps(object::map);
        for (int i = 1; i <= 3; i++) {
            backends.add(new Backend(InetAddress.ofLiteral("10.1.0." + i), 8080, 1));
        }
        web = new VirtualService("web", FlowFill.VIP, 80, Protocol.TCP, Algorithm.ROUND_ROBIN, backends, HealthCheck.NONE);
        engine.putService(web);
    }

    @AfterEach
    void close() {
        object.close();
    }

    @Test
    void aSweepLargerThanABatchExpiresIdleFlowsWithTheirReturnEntriesAndRecountsTheLiveOnes() {
        long now = System.nanoTime();
        long old = now - Duration.ofHours(2).toNanos();
        int serviceId = 0; // the engine's first service
        new FlowFill(maps, backends)
                .add(0, 10_000, serviceId, old, now, now)            // busy
                .add(10_000, 20_000, serviceId, old, old, now)       // client quiet, backend still sending
                .add(20_000, 30_000, serviceId, old, old, old)       // idle on both sides: expire
                .add(30_000, 31_000, 7, old, now, now)               // of a service removed since: expire
                .add(31_000, 32_000, 7, now + HOUR.toNanos(), now, now) // of a service added after the sweep began
                .write();
        assertEquals(11_000, engine.sweep(HOUR, HOUR, HOUR));

        Map<FlowKey, FlowEntry> left = maps.flows.entries();
        assertEquals(21_000, left.size());
        for (int i : new int[] {0, 9_999, 10_000, 19_999, 31_000, 31_999}) {
            assertTrue(left.containsKey(FlowFill.client(i)), "client " + i + " stays");
        }
        for (int i : new int[] {20_000, 29_999, 30_000, 30_999}) {
            assertFalse(left.containsKey(FlowFill.client(i)), "client " + i + " expired");
        }
        FlowFill fill = new FlowFill(maps, backends);
        assertTrue(maps.replies(4).get(fill.reply(10_000)).isPresent(), "a kept flow keeps its return entry");
        assertTrue(maps.replies(4).get(fill.reply(20_000)).isEmpty(), "an expired flow's return entry went with it");
        assertTrue(maps.replies(4).get(fill.reply(29_999)).isEmpty());
        // 20,000 live flows of 'web' spread over its three backends (the others' service is not installed).
        List<Long> active = engine.status().getFirst().backends().stream().map(b -> b.activeFlows()).toList();
        assertEquals(List.of(6_667L, 6_667L, 6_666L), active);
    }

    /** Starts a sweep on a thread of its own; {@code outcome} gets its result, or what it threw. */
    private Thread sweepInBackground(AtomicReference<Object> outcome) {
        return Thread.ofPlatform().name("lb-sweep-test").start(() -> {
            try {
                outcome.set(engine.sweep(HOUR, HOUR, HOUR));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
    }

    /**
     * A health change and a service change, each through the engine, complete while a sweep walks a full table
     * (every flow quiet on the client side, so each needs its return entry looked up: a long walk). The sweep thread
     * is sampled while it is inside the binding's table reads: it must not hold the engine's monitor there, and a
     * command issued between two such samples of the same walk must have completed.
     */
    @Test
    void commandsAndHealthChangesGoOnWhileTheSweepWalksTheTable() throws Exception {
        long now = System.nanoTime();
        long quiet = now - Duration.ofHours(2).toNanos();
        new FlowFill(maps, backends).add(0, FLOWS, 0, quiet, quiet, now).write();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread sweeper = sweepInBackground(outcome);
        int walkSamples = 0;
        int commandsWithinTheWalk = 0;
        boolean healthy = true;
        while (sweeper.isAlive()) {
            ThreadInfo before = sample(sweeper);
            if (!inTheWalk(before)) {
                continue;
            }
            walkSamples++;
            assertFalse(holdsTheEngine(before), "the sweep walks the table holding the engine's lock:\n" + describe(before));
            healthy = !healthy;
            engine.setHealth("web", backends.getFirst(), healthy, "test");
            engine.putService(web.withBackends(List.of(backends.get(0), backends.get(1), backends.get(2).withWeight(healthy ? 1 : 2))));
            if (inTheWalk(sample(sweeper))) {
                commandsWithinTheWalk++;
            }
        }
        sweeper.join();
        assertEquals(0, outcome.get(), "the sweep ran through and kept every flow: " + outcome.get());
        assertTrue(walkSamples > 0, "the sweep thread was seen walking the table");
        assertTrue(commandsWithinTheWalk > 0, "commands completed while the sweep walked the table (" + walkSamples + " samples)");
        assertEquals(FLOWS, engine.flows(null).size());
    }

    /** The stage is unloaded and its object closed while a sweep walks the table: the sweep ends on its own descriptors. */
    @Test
    void aStageUnloadedDuringTheSweepLetsItFinish() throws Exception {
        long now = System.nanoTime();
        long quiet = now - Duration.ofHours(2).toNanos();
        new FlowFill(maps, backends).add(0, FLOWS, 0, quiet, quiet, now).write();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread sweeper = sweepInBackground(outcome);
        while (sweeper.isAlive() && !inTheWalk(sample(sweeper))) {
            Thread.onSpinWait();
        }
        assertTrue(sweeper.isAlive(), "the sweep thread was seen walking the table");
        engine.detach();
        object.close();
        sweeper.join();
        assertEquals(0, outcome.get(), "the sweep finished: " + outcome.get());
        assertFalse(engine.attached());
        assertEquals(0, engine.sweep(HOUR, HOUR, HOUR), "no maps, nothing to sweep");
    }

    private static ThreadInfo sample(Thread thread) {
        ThreadInfo[] infos = ManagementFactory.getThreadMXBean().getThreadInfo(new long[] {thread.threadId()}, true, false);
        return infos[0];
    }

    private static boolean inTheWalk(ThreadInfo info) {
        return info != null && Arrays.stream(info.getStackTrace()).anyMatch(frame ->
                frame.getClassName().equals("io.deetune.bpf.BpfMap") && TABLE_WALK.contains(frame.getMethodName()));
    }

    private boolean holdsTheEngine(ThreadInfo info) {
        for (MonitorInfo monitor : info.getLockedMonitors()) {
            if (monitor.getClassName().equals(LbEngine.class.getName())
                    && monitor.getIdentityHashCode() == System.identityHashCode(engine)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(ThreadInfo info) {
        return Arrays.stream(info.getStackTrace()).limit(12).map(StackTraceElement::toString)
                .collect(Collectors.joining("\n  ", "  ", ""));
    }

    @Test
    void helpersSeeWhatTheySample() {
        // The sampling itself: the current thread, in no walk and holding the engine, is seen as such.
        synchronized (engine) {
            ThreadInfo self = sample(Thread.currentThread());
            assertFalse(inTheWalk(self));
            assertTrue(holdsTheEngine(self));
        }
        assertNull(sample(Thread.ofPlatform().unstarted(() -> {})));
    }
}

package io.deetune.lb.internal;

import io.deetune.bpf.NetNs;
import io.deetune.lb.Backend;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.LoadFeedback;
import io.deetune.lb.VirtualService;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every backend of every service with a health check, from inside the load balancer's network namespace:
 * one platform thread joins the namespace once (setns through {@link NetNs}), so every socket it opens belongs
 * there. Its probes are non-blocking ({@link HealthProbe}) and run at once, driven by one selector: a backend that
 * never answers holds up no other, and a backend going down is seen within its interval plus its timeout however
 * many others time out. After {@code fall} failures in a row a backend leaves selection (its flows move); after
 * {@code rise} successes it returns. The same loop reads the load agents of services with {@link LoadFeedback}
 * and moves the slow-start ramps on ({@link LbEngine#refreshWeights}).
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    /** How often the loop looks for due probes at the longest; intervals are not shorter in practice. */
    private static final long TICK_MILLIS = 50;
    /** How often ramps and agents' grace periods are looked at: a tenth of the shortest slow start worth having. */
    private static final long REFRESH_NANOS = 250_000_000;

    /** A backend's health check, or with {@code agent} its load agent. */
    private record Key(String service, String endpoint, boolean agent) {}

    /** One backend of one service: its run of results, when it is next due, and its probe in flight. */
    private static final class Target {
        int failures;
        int successes;
        long dueNanos;
        HealthProbe inFlight;
    }

    private final LbEngine engine;
    private final String namespace;
    private final Map<Key, Target> targets = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Selector selector;

    public HealthMonitor(LbEngine engine, String namespace) {
        this.engine = engine;
        this.namespace = namespace;
        this.thread = Thread.ofPlatform().name("deetune-lb-health").daemon(true).start(this::run);
    }

    private void run() {
        try {
            NetNs.run(namespace, this::loop);
        } catch (RuntimeException e) {
            LOG.error("lb: health checks stopped: cannot run in network namespace '{}'", namespace, e);
        }
    }

    private void loop() {
        try (Selector opened = Selector.open()) {
            selector = opened;
            long refreshed = System.nanoTime();
            while (running) {
                try {
                    long now = System.nanoTime();
                    if (now - refreshed >= REFRESH_NANOS) {
                        engine.refreshWeights(now);
                        refreshed = now;
                    }
                    startDue(now);
                    opened.select(TICK_MILLIS);
                    for (Iterator<SelectionKey> it = opened.selectedKeys().iterator(); it.hasNext(); ) {
                        SelectionKey key = it.next();
                        it.remove();
                        ((HealthProbe) key.attachment()).ready();
                    }
                    collect(System.nanoTime());
                } catch (RuntimeException e) {
                    LOG.warn("lb: health check round failed", e);
                }
            }
        } catch (IOException e) {
            LOG.error("lb: health checks stopped: cannot open a selector", e);
        } finally {
            targets.values().forEach(t -> {
                if (t.inFlight != null) {
                    t.inFlight.close();
                }
            });
        }
    }

    /**
     * Starts a probe for every enabled backend (and agent) that is due and has none in flight; forgets removed
     * backends.
     */
    private void startDue(long now) {
        Set<Key> current = new HashSet<>();
        for (VirtualService service : engine.services()) {
            HealthCheck check = service.healthCheck();
            LoadFeedback feedback = service.feedback();
            for (Backend backend : service.backends()) {
                if (check.enabled()) {
                    start(service, new Key(service.name(), backend.endpoint(), false), backend, check.intervalMillis(), now, current);
                }
                if (feedback.agent()) {
                    start(service, new Key(service.name(), backend.endpoint(), true), backend, feedback.agentIntervalMillis(), now, current);
                }
            }
        }
        for (Iterator<Map.Entry<Key, Target>> it = targets.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Target> entry = it.next();
            if (!current.contains(entry.getKey())) {
                if (entry.getValue().inFlight != null) {
                    entry.getValue().inFlight.close();
                }
                it.remove();
            }
        }
    }

    private void start(VirtualService service, Key key, Backend backend, long intervalMillis, long now, Set<Key> current) {
        current.add(key);
        Target target = targets.computeIfAbsent(key, k -> new Target());
        if (target.inFlight != null || target.dueNanos - now > 0) {
            return;
        }
        target.dueNanos = now + intervalMillis * 1_000_000;
        try {
            target.inFlight = key.agent()
                    ? HealthProbe.agent(backend, service.feedback().agentPort(), service.feedback().agentTimeoutMillis(), selector, now)
                    : new HealthProbe(service.healthCheck(), backend, selector, now);
        } catch (IOException e) {
            String failure = (key.agent() ? "agent" : service.healthCheck().type()) + " check of " + backend.endpoint()
                    + " failed: cannot open a socket: " + e.getMessage();
            if (key.agent()) {
                engine.agentFailed(service.name(), backend, failure);
            } else {
                record(service.name(), service.healthCheck(), backend, target, failure);
            }
        }
    }

    /** Records every probe that finished or ran out of time. */
    private void collect(long now) {
        for (Map.Entry<Key, Target> entry : targets.entrySet()) {
            Target target = entry.getValue();
            HealthProbe probe = target.inFlight;
            if (probe == null) {
                continue;
            }
            probe.expire(now);
            if (probe.done()) {
                target.inFlight = null;
                String service = entry.getKey().service();
                if (probe.agent()) {
                    if (probe.failure() == null) {
                        engine.agentAnswered(service, probe.backend(), probe.line());
                    } else {
                        engine.agentFailed(service, probe.backend(), probe.failure());
                    }
                } else {
                    engine.service(service).ifPresent(s -> record(service, s.healthCheck(), probe.backend(), target, probe.failure()));
                }
            }
        }
    }

    private void record(String service, HealthCheck check, Backend backend, Target target, String failure) {
        if (failure == null) {
            target.failures = 0;
            if (++target.successes >= check.rise() && !engine.healthy(service, backend)) {
                engine.setHealth(service, backend, true, check.type() + " check passed " + target.successes + " time(s)");
            }
        } else {
            target.successes = 0;
            if (++target.failures >= check.fall() && engine.healthy(service, backend)) {
                engine.setHealth(service, backend, false, failure);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        // No interrupt: the probing thread is NetNs's, behind this one; it sees the flag within one tick.
        running = false;
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
        thread.join();
    }
}

package io.deetune.lb.internal;

import io.deetune.lb.Algorithm;
import io.deetune.lb.Backend;
import io.deetune.lb.LoadFeedback;
import io.deetune.lb.VirtualService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The effective weight of each backend of a service with {@link LoadFeedback}: its configured weight (1 under
 * round-robin), times the share its agent reports, times its slow-start ramp. Backends are known by service and
 * endpoint, not by kernel id, which an attach may change.
 *
 * <p>The kernel reads the weight in hundredths ({@link #UNIT}): a backend of weight 1 at 25 % weighs 25 against 100,
 * which a whole-number weight could not say. Services without feedback keep their configured weights as written
 * before feedback existed.
 *
 * <p>Two things keep a noisy agent from rebuilding a ring at every answer: an agent's share changes the weight only
 * when it moved {@link #HYSTERESIS_PERCENT} points from the share in force (or reached 0 % or 100 %), and a ramp
 * grows in {@link #RAMP_STEPS} steps. The engine rewrites a service only when one of its weights changed.
 *
 * <p>Not thread-safe: the engine calls it under its lock.
 */
final class BackendLoad {

    /** The kernel's weight of a backend of configured weight 1 at full share, for services with feedback. */
    static final int UNIT = 100;
    /** A ramp starts at one step of its backend's weight and grows one step at a time. */
    static final int RAMP_STEPS = 10;
    static final int HYSTERESIS_PERCENT = 10;

    private record Named(String service, String endpoint) {}

    /** What is in force for one backend. */
    private static final class Load {
        AgentReply reply;         // the agent's answer in force: null before the first one and after the grace period
        String heard;             // the last answer heard, as shown (may differ from reply within the hysteresis)
        long lastGoodNanos;
        long rampStartNanos;
        boolean ramping;
        boolean failing;          // the agent's last read failed (logged once per run of failures)
    }

    private final Map<Named, Load> loads = new HashMap<>();
    /** The kernel weights last written per service with feedback, to rewrite only on a change. */
    private final Map<String, List<Integer>> written = new HashMap<>();

    private Load load(String service, Backend backend) {
        return loads.computeIfAbsent(new Named(service, backend.endpoint()), k -> new Load());
    }

    /** The backend came up (added, or back from a failed health check): it ramps if its service has slow start. */
    void cameUp(VirtualService service, Backend backend, long now) {
        if (service.feedback().slowStart()) {
            Load load = load(service.name(), backend);
            load.ramping = true;
            load.rampStartNanos = now;
        }
    }

    /**
     * Records a good answer of the backend's agent; a state of down giving way to ready starts a slow start. Returns
     * whether the answer differs from the one heard before (worth a log line).
     */
    boolean answered(VirtualService service, Backend backend, AgentReply reply, long now) {
        Load load = load(service.name(), backend);
        boolean news = !reply.text().equals(load.heard) || load.failing;
        load.failing = false;
        AgentReply before = load.reply;
        Integer percent = reply.percent() != null ? reply.percent() : before == null ? null : before.percent();
        AgentReply.State state = reply.state() != null ? reply.state() : before == null ? null : before.state();
        if (before != null && before.percent() != null && percent != null && !moved(before.percent(), percent)) {
            percent = before.percent();
        }
        load.reply = new AgentReply(percent, state);
        load.heard = reply.text();
        load.lastGoodNanos = now;
        boolean wasDown = before != null && before.state() == AgentReply.State.DOWN;
        if (wasDown && state != AgentReply.State.DOWN) {
            cameUp(service, backend, now);
        }
        return news;
    }

    /** The agent's read failed; true if the one before it had not (the first of a run of failures). */
    boolean firstFailure(VirtualService service, Backend backend) {
        Load load = load(service.name(), backend);
        boolean first = !load.failing;
        load.failing = true;
        return first;
    }

    private static boolean moved(int inForce, int reported) {
        return Math.abs(reported - inForce) >= HYSTERESIS_PERCENT || (reported != inForce && (reported == 0 || reported == 100));
    }

    /**
     * The agent could not be read; after the grace period its last answer stops counting. Returns whether the
     * backend just fell back to its configured weight.
     */
    boolean failed(VirtualService service, Backend backend, long now) {
        Load load = loads.get(new Named(service.name(), backend.endpoint()));
        if (load == null || load.reply == null) {
            return false;
        }
        if (now - load.lastGoodNanos < service.feedback().agentGraceMillis() * 1_000_000) {
            return false;
        }
        load.reply = null;
        load.heard = null;
        return true;
    }

    /** The weight the kernel reads for the backend now ({@link #UNIT} hundredths for services with feedback). */
    int kernelWeight(VirtualService service, Backend backend, long now) {
        if (!service.feedback().active()) {
            return backend.weight();
        }
        int base = service.algorithm() == Algorithm.ROUND_ROBIN ? Math.min(1, backend.weight()) : backend.weight();
        Load load = loads.get(new Named(service.name(), backend.endpoint()));
        long weight = (long) base * UNIT;
        if (load != null && load.reply != null) {
            if (load.reply.state() == AgentReply.State.DRAIN || load.reply.state() == AgentReply.State.DOWN) {
                return 0;
            }
            if (load.reply.percent() != null) {
                weight = weight * load.reply.percent() / 100;
            }
        }
        boolean noShare = load != null && load.reply != null && Integer.valueOf(0).equals(load.reply.percent());
        if (base == 0 || noShare) {
            return 0;
        }
        // A small share of a ramp still takes some flows: only a weight of 0, a 0 % share or a drain take none.
        return (int) Math.max(1, weight * rampStep(service, load, now) / RAMP_STEPS);
    }

    /** The step of the backend's ramp, {@link #RAMP_STEPS} when it does not ramp (any more: a ramp ends here). */
    private static int rampStep(VirtualService service, Load load, long now) {
        if (load == null || !load.ramping) {
            return RAMP_STEPS;
        }
        long total = service.feedback().slowStartMillis() * 1_000_000;
        long elapsed = now - load.rampStartNanos;
        if (total <= 0 || elapsed >= total) {
            load.ramping = false;
            return RAMP_STEPS;
        }
        return (int) Math.min(RAMP_STEPS, 1 + elapsed * RAMP_STEPS / total);
    }

    /** How far the backend's slow start has come, in percent (100: not ramping). */
    int slowStartPercent(VirtualService service, Backend backend, long now) {
        Load load = loads.get(new Named(service.name(), backend.endpoint()));
        if (load == null || !load.ramping) {
            return 100;
        }
        long total = service.feedback().slowStartMillis() * 1_000_000;
        return total <= 0 ? 100 : (int) Math.min(100, Math.max(0, (now - load.rampStartNanos) * 100 / total));
    }

    /** The effective weight as shown: in units of the configured weight (round-robin: of 1). */
    double effectiveWeight(VirtualService service, Backend backend, long now) {
        int kernel = kernelWeight(service, backend, now);
        return service.feedback().active() ? kernel / (double) UNIT : kernel;
    }

    /** The agent's last answer (e.g. {@code 75% ready}), null without one in force. */
    String agent(VirtualService service, Backend backend) {
        Load load = loads.get(new Named(service.name(), backend.endpoint()));
        return load == null || load.reply == null ? null : load.heard;
    }

    /** The kernel weights of the service's backends now, in the order of its backends. */
    List<Integer> kernelWeights(VirtualService service, long now) {
        List<Integer> weights = new ArrayList<>(service.backends().size());
        for (Backend backend : service.backends()) {
            weights.add(kernelWeight(service, backend, now));
        }
        return weights;
    }

    /** Whether the service's weights differ from those last {@linkplain #written written}. */
    boolean changed(VirtualService service, long now) {
        return !kernelWeights(service, now).equals(written.get(service.name()));
    }

    void written(VirtualService service, List<Integer> weights) {
        written.put(service.name(), weights);
    }

    /** Forgets services and backends that are gone. */
    void retain(List<VirtualService> services) {
        Set<Named> present = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (VirtualService service : services) {
            names.add(service.name());
            for (Backend backend : service.backends()) {
                present.add(new Named(service.name(), backend.endpoint()));
            }
        }
        loads.keySet().retainAll(present);
        written.keySet().retainAll(names);
    }
}

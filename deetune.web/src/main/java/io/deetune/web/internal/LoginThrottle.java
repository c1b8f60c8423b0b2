package io.deetune.web.internal;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed logins per client address, with exponential backoff: after {@code freeFailures} wrong passwords in a row
 * an address is refused (HTTP 429) for {@code firstBlock}, and each further failure doubles that, up to
 * {@code longestBlock}. A successful login clears the address. Requests without credentials are not failures
 * (a browser asks without them first).
 */
final class LoginThrottle {

    /** How long {@code address} must wait before it may try again; zero if it may try now. */
    record Verdict(Duration retryAfter) {
        boolean allowed() {
            return retryAfter.isZero();
        }
    }

    private record State(int failures, long blockedUntilNanos, long lastFailureNanos) {}

    /** At most this many addresses are remembered: a flood of sources cannot grow the table without end. */
    static final int MAX_ADDRESSES = 10_000;

    private final int freeFailures;
    private final Duration firstBlock;
    private final Duration longestBlock;
    private final LongSupplier nanoTime;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    LoginThrottle(int freeFailures, Duration firstBlock, Duration longestBlock, LongSupplier nanoTime) {
        this.freeFailures = freeFailures;
        this.firstBlock = firstBlock;
        this.longestBlock = longestBlock;
        this.nanoTime = nanoTime;
    }

    /** DeeTune's settings: five free failures, then 10 s, 20 s, 40 s ... up to 10 minutes. */
    static LoginThrottle standard() {
        return new LoginThrottle(5, Duration.ofSeconds(10), Duration.ofMinutes(10), System::nanoTime);
    }

    Verdict check(String address) {
        State state = states.get(address);
        long now = nanoTime.getAsLong();
        if (state == null || state.blockedUntilNanos() - now <= 0) {
            return new Verdict(Duration.ZERO);
        }
        return new Verdict(Duration.ofNanos(state.blockedUntilNanos() - now));
    }

    void failed(String address) {
        long now = nanoTime.getAsLong();
        if (states.size() >= MAX_ADDRESSES) {
            forgetOldest(now);
        }
        states.compute(address, (key, state) -> {
            int failures = state == null ? 1 : state.failures() + 1;
            long blockedUntil = now;
            if (failures > freeFailures) {
                int doublings = Math.min(failures - freeFailures - 1, 30);
                Duration block = firstBlock.multipliedBy(1L << doublings);
                blockedUntil = now + (block.compareTo(longestBlock) > 0 ? longestBlock : block).toNanos();
            }
            return new State(failures, blockedUntil, now);
        });
    }

    void succeeded(String address) {
        states.remove(address);
    }

    /** How many addresses are remembered. */
    int size() {
        return states.size();
    }

    /** Forgets addresses whose last failure is older than the longest block, or else the one that failed longest ago. */
    private void forgetOldest(long now) {
        String oldest = null;
        long oldestAt = Long.MAX_VALUE;
        for (Iterator<Map.Entry<String, State>> it = states.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, State> entry = it.next();
            long at = entry.getValue().lastFailureNanos();
            if (now - at > longestBlock.toNanos()) {
                it.remove();
            } else if (at < oldestAt) {
                oldestAt = at;
                oldest = entry.getKey();
            }
        }
        if (states.size() >= MAX_ADDRESSES && oldest != null) {
            states.remove(oldest);
        }
    }
}

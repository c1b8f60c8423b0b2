package io.deetune.core.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chain entries (a program with its successor table) that a replace or removal took out of a chain, kept open for a
 * grace period before they are closed.
 *
 * <p>A packet can still be inside the old program when the switch happens. Once the last user-space reference to
 * its successor table goes away the kernel empties that table, and such a packet would skip the rest of the chain
 * (fail open). Holding the descriptors a while longer than any packet stays in a program closes that window. Only
 * the engine thread calls this class; releases run on it too.
 */
final class RetiredEntries implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RetiredEntries.class);

    private record Retired(String what, AutoCloseable entry, long dueNanos) {}

    private final long graceNanos;
    private final ScheduledExecutorService engineThread;
    private final Deque<Retired> queue = new ArrayDeque<>();

    /**
     * @param graceMillis  how long a retired entry stays open
     * @param engineThread the engine's executor, which runs the releases
     */
    RetiredEntries(long graceMillis, ScheduledExecutorService engineThread) {
        this.graceNanos = TimeUnit.MILLISECONDS.toNanos(graceMillis);
        this.engineThread = engineThread;
    }

    /** Keeps {@code entry} open for the grace period, then closes it. */
    void retire(String what, AutoCloseable entry) {
        queue.addLast(new Retired(what, entry, System.nanoTime() + graceNanos));
        engineThread.schedule(this::releaseDue, graceNanos, TimeUnit.NANOSECONDS);
    }

    /** Closes the entries whose grace period is over (in retirement order: their deadlines only grow). */
    private void releaseDue() {
        long now = System.nanoTime();
        while (!queue.isEmpty() && queue.peekFirst().dueNanos() - now <= 0) {
            release(queue.removeFirst());
        }
    }

    private static void release(Retired retired) {
        try {
            retired.entry().close();
            LOG.debug("released {} after its grace period", retired.what());
        } catch (Exception e) {
            LOG.warn("cannot release {}: {}", retired.what(), e.toString());
        }
    }

    /** Waits out the grace period of what is still retired (at most one period), then closes it all. */
    @Override
    public void close() {
        Retired last = queue.peekLast();
        if (last != null) {
            long wait = last.dueNanos() - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        while (!queue.isEmpty()) {
            release(queue.removeFirst());
        }
    }
}

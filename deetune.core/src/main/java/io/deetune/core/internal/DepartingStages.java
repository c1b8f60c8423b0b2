package io.deetune.core.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * Stages whose service went away while their bundle stays installed, each waiting out a grace period before it
 * leaves the chains. A bundle update stops the old service and registers the new one within it: the stage is then
 * replaced in one switch instead of removed and inserted again. Only the engine thread calls this class.
 */
final class DepartingStages {

    private final EngineThread thread;
    private final long graceMillis;
    /** Stage name -> its removal, due at the end of the grace period. */
    private final Map<String, ScheduledFuture<?>> pending = new HashMap<>();

    DepartingStages(EngineThread thread, long graceMillis) {
        this.thread = thread;
        this.graceMillis = graceMillis;
    }

    /** Runs {@code takeOut} on the engine thread once the grace period is over, unless cancelled first. */
    void depart(String stage, Runnable takeOut) {
        if (!pending.containsKey(stage)) {
            pending.put(stage, thread.schedule(() -> {
                pending.remove(stage);
                takeOut.run();
            }, graceMillis));
        }
    }

    /** Cancels the removal of a departed stage; true if one was pending. */
    boolean cancel(String stage) {
        ScheduledFuture<?> removal = pending.remove(stage);
        if (removal != null) {
            removal.cancel(false);
        }
        return removal != null;
    }

    /** Cancels every pending removal: the stages stay in the chains. */
    void cancelAll() {
        pending.values().forEach(f -> f.cancel(false));
        pending.clear();
    }
}

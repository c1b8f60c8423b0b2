package io.deetune.core.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one platform thread on which the engine does all kernel work, so that changes never interleave. Callers
 * hand it work and wait for it; work the thread itself hands it (a stage's callback calling back into the engine)
 * runs in place, which a queue would deadlock.
 */
final class EngineThread implements AutoCloseable {

    private final ScheduledExecutorService executor;
    /** The thread itself: work from it runs in place (by identity: every engine names its thread alike). */
    private volatile Thread thread;

    EngineThread() {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = Thread.ofPlatform().name("deetune-pipeline").daemon(true).unstarted(r);
            thread = t;
            return t;
        });
    }

    /** The executor behind the thread, for what schedules its own work on it ({@link RetiredEntries}). */
    ScheduledExecutorService executor() {
        return executor;
    }

    /** Runs {@code task} on the thread and waits for its result; its runtime exceptions reach the caller as they are. */
    <T> T call(Callable<T> task) {
        if (Thread.currentThread() == thread) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Future<T> future = executor.submit(task);
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the pipeline thread", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Runs {@code task} on the thread after {@code delayMillis}. */
    ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        return executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops the thread; work still queued does not run. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}

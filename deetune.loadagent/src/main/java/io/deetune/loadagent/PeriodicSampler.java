package io.deetune.loadagent;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads a {@link LoadMeasure} at a fixed interval on a thread of its own and keeps the latest value, so that an
 * answer never waits for a measurement and every answer within an interval says the same.
 */
final class PeriodicSampler implements AutoCloseable {

    private final LoadMeasure measure;
    private final Duration interval;
    private final PrintStream log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "deetune-load-agent-sampler");
        thread.setDaemon(true);
        return thread;
    });
    private volatile double busyShare;
    /** Only the first failure of a run of failed readings is logged: /proc does not fail once. */
    private boolean failing;

    PeriodicSampler(LoadMeasure measure, Duration interval, PrintStream log) {
        this.measure = measure;
        this.interval = interval;
        this.log = log;
    }

    /**
     * Takes the first reading here, so that a host without the measure's source (no {@code /proc}) fails at start,
     * then every interval on the sampler's thread.
     */
    void start() throws IOException {
        busyShare = measure.busyShare();
        long millis = interval.toMillis();
        timer.scheduleWithFixedDelay(this::sample, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** The latest busy share, from 0 to 1. */
    double busyShare() {
        return busyShare;
    }

    /** A failed reading keeps the last value: the load a moment ago says more than none. */
    private void sample() {
        try {
            busyShare = measure.busyShare();
            if (failing) {
                log.println("deetune-load-agent: " + measure.describe() + " can be read again");
                failing = false;
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                log.println("deetune-load-agent: cannot read " + measure.describe() + ", answering the last value: "
                        + e.getMessage());
                failing = true;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

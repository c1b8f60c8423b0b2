package io.deetune.karaf.itest;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds; a busy 2-core machine may take its time. */
final class Await {

    private Await() {
    }

    static void until(String what, Duration patience, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("gave up waiting " + patience.toSeconds() + " s for " + what);
            }
            Thread.sleep(100);
        }
    }
}

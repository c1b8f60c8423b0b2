package io.deetune.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The backoff of failed logins, on a clock the test moves. */
class LoginThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofSeconds(1), Duration.ofSeconds(10), now::get);

    private void fail(String address, int times) {
        for (int i = 0; i < times; i++) {
            throttle.failed(address);
        }
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    @Test
    void theFirstFailuresAreFreeThenTheWaitDoublesUpToTheLongest() {
        fail("10.0.0.1", 3);
        assertTrue(throttle.check("10.0.0.1").allowed());
        throttle.failed("10.0.0.1");
        assertEquals(Duration.ofSeconds(1), throttle.check("10.0.0.1").retryAfter());
        throttle.failed("10.0.0.1");
        assertEquals(Duration.ofSeconds(2), throttle.check("10.0.0.1").retryAfter());
        throttle.failed("10.0.0.1");
        assertEquals(Duration.ofSeconds(4), throttle.check("10.0.0.1").retryAfter());
        fail("10.0.0.1", 5);
        assertEquals(Duration.ofSeconds(10), throttle.check("10.0.0.1").retryAfter());
    }

    @Test
    void theWaitEndsAndOneMoreFailureBlocksLongerThanBefore() {
        fail("10.0.0.1", 4);
        advance(Duration.ofMillis(400));
        assertEquals(Duration.ofMillis(600), throttle.check("10.0.0.1").retryAfter());
        advance(Duration.ofMillis(600));
        assertTrue(throttle.check("10.0.0.1").allowed());
        throttle.failed("10.0.0.1");
        assertEquals(Duration.ofSeconds(2), throttle.check("10.0.0.1").retryAfter());
    }

    @Test
    void addressesAreThrottledOnTheirOwnAndASuccessClearsOne() {
        fail("10.0.0.1", 4);
        assertFalse(throttle.check("10.0.0.1").allowed());
        assertTrue(throttle.check("10.0.0.2").allowed());
        throttle.succeeded("10.0.0.1");
        assertTrue(throttle.check("10.0.0.1").allowed());
        fail("10.0.0.1", 3);
        assertTrue(throttle.check("10.0.0.1").allowed(), "a success starts the count again");
    }

    @Test
    void aFloodOfAddressesDoesNotGrowTheTableWithoutEnd() {
        for (int i = 0; i < LoginThrottle.MAX_ADDRESSES + 100; i++) {
            throttle.failed("addr" + i);
        }
        assertTrue(throttle.size() <= LoginThrottle.MAX_ADDRESSES, "remembered " + throttle.size());
        fail("10.0.0.9", 4);
        assertFalse(throttle.check("10.0.0.9").allowed());
    }
}

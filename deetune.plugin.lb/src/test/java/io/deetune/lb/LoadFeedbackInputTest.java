package io.deetune.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Load feedback settings that cannot run are refused naming the field, as every other part of a service. */
class LoadFeedbackInputTest {

    private static LbConfigException refused(LoadFeedback feedback) {
        VirtualService service = VirtualService.parse("web", "10.0.0.100", 80, "tcp", "round-robin", new String[] {"10.11.1.2:80"},
                HealthCheck.NONE).withFeedback(feedback);
        return assertThrows(LbConfigException.class, service::validate);
    }

    @Test
    void anAgentPortOutside1To65535IsRefused() {
        LbConfigException e = refused(new LoadFeedback(70000, 2000, 0));
        assertEquals("service 'web'.agentPort", e.field());
        assertTrue(e.getMessage().contains("70000"), e.getMessage());
        assertEquals("service 'web'.agentPort", refused(new LoadFeedback(-1, 2000, 0)).field());
    }

    @Test
    void aNegativeOrDayLongSlowStartAndAnAbsurdIntervalAreRefused() {
        assertEquals("service 'web'.slowStartMillis", refused(new LoadFeedback(0, 2000, -1)).field());
        assertEquals("service 'web'.slowStartMillis", refused(new LoadFeedback(0, 2000, LoadFeedback.MAX_SLOW_START_MILLIS + 1)).field());
        assertEquals("service 'web'.agentIntervalMillis", refused(new LoadFeedback(9777, 10, 0)).field());
    }

    @Test
    void noFeedbackIsTheDefault() {
        VirtualService plain = VirtualService.parse("web", "10.0.0.100", 80, "tcp", "round-robin", new String[0], HealthCheck.NONE);
        assertEquals(LoadFeedback.NONE, plain.feedback());
        assertTrue(!plain.feedback().active());
        assertTrue(new LoadFeedback(9777, 2000, 0).active() && new LoadFeedback(0, 2000, 1).active());
    }
}

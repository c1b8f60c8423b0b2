package io.deetune.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.lb.Algorithm;
import io.deetune.lb.Backend;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.LoadFeedback;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendLoadTest {

    private static final long SECOND = 1_000_000_000L;
    private static final Backend A = new Backend(InetAddress.ofLiteral("10.0.1.2"), 80, 4);
    private static final Backend B = new Backend(InetAddress.ofLiteral("10.0.1.3"), 80, 4);

    private static VirtualService service(Algorithm algorithm, LoadFeedback feedback) {
        return new VirtualService("web", InetAddress.ofLiteral("10.0.0.100"), 80, Protocol.TCP, algorithm, List.of(A, B),
                HealthCheck.NONE, null, feedback);
    }

    private final BackendLoad load = new BackendLoad();
    private final VirtualService agent = service(Algorithm.WEIGHTED_ROUND_ROBIN, new LoadFeedback(9777, 1000, 0));

    @Test
    void withoutFeedbackTheKernelKeepsTheConfiguredWeights() {
        VirtualService plain = service(Algorithm.WEIGHTED_ROUND_ROBIN, LoadFeedback.NONE);
        assertEquals(List.of(4, 4), load.kernelWeights(plain, 0));
        assertEquals(4.0, load.effectiveWeight(plain, A, 0));
        assertEquals(100, load.slowStartPercent(plain, A, 0));
    }

    @Test
    void theAgentsShareScalesTheConfiguredWeight() {
        assertEquals(List.of(400, 400), load.kernelWeights(agent, 0), "hundredths: full share before any answer");
        load.answered(agent, A, AgentReply.parse("25%"), 0);
        assertEquals(List.of(100, 400), load.kernelWeights(agent, 0));
        assertEquals(1.0, load.effectiveWeight(agent, A, 0));
        assertEquals("25%", load.agent(agent, A));
        assertNull(load.agent(agent, B));
    }

    @Test
    void roundRobinCountsEveryBackendAsOneAndFollowsTheAgent() {
        VirtualService rr = service(Algorithm.ROUND_ROBIN, new LoadFeedback(9777, 1000, 0));
        load.answered(rr, B, AgentReply.parse("50%"), 0);
        assertEquals(List.of(100, 50), load.kernelWeights(rr, 0));
    }

    @Test
    void drainDownAndZeroPercentTakeNoNewFlowsAndReadyBringsThemBack() {
        load.answered(agent, A, AgentReply.parse("drain"), 0);
        assertEquals(0, load.kernelWeight(agent, A, 0));
        load.answered(agent, A, AgentReply.parse("ready"), 0);
        assertEquals(400, load.kernelWeight(agent, A, 0));
        load.answered(agent, A, AgentReply.parse("0%"), 0);
        assertEquals(0, load.kernelWeight(agent, A, 0));
        load.answered(agent, A, AgentReply.parse("maint"), 0);
        assertEquals(0, load.kernelWeight(agent, A, 0));
    }

    @Test
    void aNoisyAgentMovesTheWeightOnlyPastTheHysteresis() {
        load.answered(agent, A, AgentReply.parse("50%"), 0);
        load.answered(agent, A, AgentReply.parse("55%"), 0);
        load.answered(agent, A, AgentReply.parse("44%"), 0);
        assertEquals(200, load.kernelWeight(agent, A, 0), "within 10 points of 50 %: 50 % stays");
        assertEquals("44%", load.agent(agent, A), "what the agent said is shown");
        load.answered(agent, A, AgentReply.parse("38%"), 0);
        assertEquals(152, load.kernelWeight(agent, A, 0));
        load.answered(agent, A, AgentReply.parse("100%"), 0);
        assertEquals(400, load.kernelWeight(agent, A, 0), "back to full share at once");
    }

    @Test
    void aSilentAgentKeepsItsLastAnswerForTheGracePeriodThenTheConfiguredWeightRules() {
        load.answered(agent, A, AgentReply.parse("25%"), 0);
        assertFalse(load.failed(agent, A, 2 * SECOND), "grace is three intervals");
        assertEquals(100, load.kernelWeight(agent, A, 2 * SECOND));
        assertTrue(load.failed(agent, A, 3 * SECOND));
        assertEquals(400, load.kernelWeight(agent, A, 3 * SECOND));
        assertNull(load.agent(agent, A));
        assertFalse(load.failed(agent, A, 10 * SECOND), "fell back once");
    }

    @Test
    void aBackendThatComesUpRampsInTenStepsOverTheSlowStart() {
        VirtualService slow = service(Algorithm.WEIGHTED_ROUND_ROBIN, new LoadFeedback(0, 2000, 10_000));
        load.cameUp(slow, A, 0);
        assertEquals(40, load.kernelWeight(slow, A, 0), "a tenth at once");
        assertEquals(400, load.kernelWeight(slow, B, 0), "the other backend is not ramping");
        assertEquals(200, load.kernelWeight(slow, A, 4 * SECOND + SECOND / 2));
        assertEquals(45, load.slowStartPercent(slow, A, 4 * SECOND + SECOND / 2));
        assertEquals(400, load.kernelWeight(slow, A, 10 * SECOND));
        assertEquals(100, load.slowStartPercent(slow, A, 11 * SECOND));
    }

    @Test
    void anAgentComingBackFromDownRampsAndASmallShareStillTakesSomeFlows() {
        VirtualService both = service(Algorithm.WEIGHTED_ROUND_ROBIN, new LoadFeedback(9777, 1000, 10_000));
        load.answered(both, A, AgentReply.parse("down"), 0);
        load.answered(both, A, AgentReply.parse("1% up"), 0);
        assertEquals(1, load.kernelWeight(both, A, 0), "4 x 1 % x a tenth rounds to 0; kept at 1");
        assertTrue(load.slowStartPercent(both, A, 0) < 100);
    }

    @Test
    void weightsAreRewrittenOnlyWhenTheyChanged() {
        load.written(agent, load.kernelWeights(agent, 0));
        assertFalse(load.changed(agent, 0));
        load.answered(agent, A, AgentReply.parse("52%"), 0);
        assertTrue(load.changed(agent, 0));
        load.written(agent, load.kernelWeights(agent, 0));
        load.answered(agent, A, AgentReply.parse("57%"), 0);
        assertFalse(load.changed(agent, 0), "within the hysteresis");
    }
}

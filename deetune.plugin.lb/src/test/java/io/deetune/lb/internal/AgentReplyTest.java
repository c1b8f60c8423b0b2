package io.deetune.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentReplyTest {

    @Test
    void aShareAStateOrBothAsHaproxyAgentsWriteThem() {
        assertEquals(new AgentReply(75, null), AgentReply.parse("75%"));
        assertEquals(new AgentReply(null, AgentReply.State.DRAIN), AgentReply.parse("drain\r"));
        assertEquals(new AgentReply(50, AgentReply.State.READY), AgentReply.parse(" 50% ready "));
        assertEquals(new AgentReply(20, AgentReply.State.READY), AgentReply.parse("up,20%"));
        assertEquals(new AgentReply(null, AgentReply.State.DOWN), AgentReply.parse("MAINT"));
        assertEquals(new AgentReply(null, AgentReply.State.DOWN), AgentReply.parse("down"));
        assertEquals(new AgentReply(0, null), AgentReply.parse("0%"));
        assertEquals(new AgentReply(256, null), AgentReply.parse("256%"));
        assertEquals(new AgentReply(90, null), AgentReply.parse("90% maxconn:30"), "a connection limit says nothing here");
        assertEquals("50% ready", AgentReply.parse("50% up").text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "75", "%", "-5%", "257%", "1000%", "7.5%", "hello", "75% sleepy", "re\u0007dy"})
    void anythingElseIsNotInTheProtocol(String line) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentReply.parse(line));
        assertTrue(e.getMessage().length() > 5, e.getMessage());
    }

    @Test
    void whatAnAgentWroteReachesTheLogPrintable() {
        assertEquals("bad?line?", AgentReply.printable("bad\nline\u001b"));
        assertEquals(AgentReply.MAX_LINE, AgentReply.printable("x".repeat(1000)).length());
        assertNull(new AgentReply(null, null).percent());
    }
}

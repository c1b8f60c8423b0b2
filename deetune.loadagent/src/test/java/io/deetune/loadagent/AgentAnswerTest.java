package io.deetune.loadagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentAnswerTest {

    @TempDir
    Path dir;

    @Test
    void theIdleShareIsThePercentRoundedWithinTheFloorAnd100() {
        assertEquals(100, AgentAnswer.percent(0.0, 10));
        assertEquals(75, AgentAnswer.percent(0.25, 10));
        assertEquals(67, AgentAnswer.percent(0.334, 10));
        assertEquals(66, AgentAnswer.percent(0.336, 10));
        assertEquals(10, AgentAnswer.percent(0.95, 10));
        assertEquals(10, AgentAnswer.percent(1.0, 10));
        assertEquals(0, AgentAnswer.percent(1.0, 0));
        assertEquals(5, AgentAnswer.percent(0.95, 0));
        assertEquals(100, AgentAnswer.percent(-0.5, 10));
        assertEquals(10, AgentAnswer.percent(Double.NaN, 10));
    }

    @Test
    void theLineIsPercentThenReady() {
        AgentAnswer answer = new AgentAnswer(10, null);
        assertEquals("75% ready\n", answer.line(0.25));
        assertEquals("10% ready\n", answer.line(0.99));
        assertEquals("100% ready\n", answer.line(0));
        assertEquals("0% ready\n", new AgentAnswer(0, null).line(1));
    }

    @Test
    void drainWhileTheDrainFileExists() throws IOException {
        Path drain = dir.resolve("drain");
        AgentAnswer answer = new AgentAnswer(10, drain);
        assertEquals("60% ready\n", answer.line(0.4));
        Files.createFile(drain);
        assertEquals("60% drain\n", answer.line(0.4));
        assertEquals("10% drain\n", answer.line(1));
        Files.delete(drain);
        assertEquals("60% ready\n", answer.line(0.4));
    }

    @Test
    void aFloorOutside0To100IsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AgentAnswer(101, null));
        assertThrows(IllegalArgumentException.class, () -> new AgentAnswer(-1, null));
    }
}

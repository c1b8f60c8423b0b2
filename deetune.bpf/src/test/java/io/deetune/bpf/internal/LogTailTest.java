package io.deetune.bpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A log of any length keeps its first and last lines, and says how many it left out. */
class LogTailTest {

    @Test
    void keepsHeadAndTail() {
        LogTail log = new LogTail(2, 3);
        for (int i = 1; i <= 1000; i++) {
            log.add("line " + i);
        }
        assertEquals(List.of("line 1", "line 2", "[... 995 lines left out ...]", "line 998", "line 999", "line 1000"), log.lines());
    }

    @Test
    void aShortLogIsWhole() {
        LogTail log = new LogTail(2, 3);
        log.addAll("a\nb\nc\nd");
        assertEquals(List.of("a", "b", "c", "d"), log.lines());
    }
}

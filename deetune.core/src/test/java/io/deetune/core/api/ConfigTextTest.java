package io.deetune.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConfigTextTest {

    @Test
    void printableTextPasses() {
        assertNull(ConfigText.controlCharacterProblem("/health?x=1 é"));
        assertNull(ConfigText.controlCharacterProblem(null));
        assertEquals("lab:veth1", ConfigText.requirePrintable("interface", "lab:veth1"));
    }

    @Test
    void lineBreaksAndOtherControlsAreRefusedWithTheirPositionAndTheValueEscaped() {
        assertEquals("'/x\\r\\nHost: evil' has a control character (U+000D) at position 3",
                ConfigText.controlCharacterProblem("/x\r\nHost: evil"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigText.requirePrintable("healthPath", "a\u001b[2Jb"));
        assertEquals("healthPath: 'a\\u001B[2Jb' has a control character (U+001B) at position 2", e.getMessage());
        for (char c : new char[] {0, '\t', '\n', 0x7f, 0x85, 0x9f}) {
            assertEquals(true, ConfigText.isControl(c), "U+" + Integer.toHexString(c));
        }
    }

    @Test
    void escapeWritesEveryControlCharacterVisibly() {
        assertEquals("a\\nb\\tc\\u0000d", ConfigText.escape("a\nb\tc\0d"));
        assertEquals("plain", ConfigText.escape("plain"));
    }
}

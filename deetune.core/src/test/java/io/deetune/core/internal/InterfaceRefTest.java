package io.deetune.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Interface references go into pipeline .cfg files and log lines: one line of printable text each. */
class InterfaceRefTest {

    @Test
    void parsesNamespaceAndInterface() {
        assertEquals(new InterfaceRef("lab", "veth1"), InterfaceRef.parse(" lab:veth1 "));
        assertEquals(new InterfaceRef(null, "eth0"), InterfaceRef.parse("eth0"));
    }

    @Test
    void controlCharactersAreRefusedAndShownEscaped() {
        for (String bad : new String[] {"lab\n:veth1", "lab:veth1\r\nname = other", "la\u001bb:eth0", "eth\u00000"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InterfaceRef.parse(bad));
            assertTrue(e.getMessage().startsWith("interface: '") && e.getMessage().contains("has a control character"), e.getMessage());
            assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20), e.getMessage());
        }
        IllegalArgumentException inSpec = assertThrows(IllegalArgumentException.class,
                () -> PipelineSpec.of("default", "xdp", "auto", new String[] {"eth0, lab:veth1\nhook = tc-egress"}));
        assertTrue(inSpec.getMessage().contains("U+000A"), inSpec.getMessage());
    }
}

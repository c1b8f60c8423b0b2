package io.deetune.discard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The syntax of a port, as configurations and commands write it. */
class DiscardPortTest {

    @Test
    void parsesAndWritesProtocolSlashPort() {
        assertEquals(new DiscardPort(Protocol.UDP, 9), DiscardPort.parse("udp/9"));
        assertEquals(new DiscardPort(Protocol.TCP, 65535), DiscardPort.parse(" TCP / 65535 "));
        assertEquals("tcp/22", DiscardPort.parse("Tcp/22").toString());
    }

    @Test
    void errorsQuoteTheTextAndSayWhatIsWrong() {
        assertEquals("'udp/0': port 0 is outside 1..65535", message("udp/0"));
        assertEquals("'sctp/9': protocol 'sctp' is neither tcp nor udp", message("sctp/9"));
        assertEquals("'udp/': '' is not a port number", message("udp/"));
        assertEquals("'9' is not <tcp|udp>/<port>", message("9"));
        assertEquals("'' is not <tcp|udp>/<port>", message(null));
        assertEquals("'udp/9\\n0': '9\\n0' is not a port number", message("udp/9\n0"), "a control character is quoted escaped");
    }

    private static String message(String text) {
        return assertThrows(IllegalArgumentException.class, () -> DiscardPort.parse(text)).getMessage();
    }
}

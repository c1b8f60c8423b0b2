package io.deetune.discard.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.deetune.bpf.testing.Packets;
import io.deetune.bpf.testing.StandardOutput;
import io.deetune.discard.internal.DiscardConfigs;
import io.deetune.discard.internal.DiscardStage;
import io.deetune.discard.internal.LoadedStage;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.console.CommandLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * discard:hits and its completer against the real stage component (through the Discard API only), before and after
 * its real object is loaded (counters from BPF_PROG_TEST_RUN): every line printed, and the errors.
 */
class CommandsTest {

    private DiscardStage discard = new DiscardStage(DiscardConfigs.of("udp/9, tcp/9", "xdp"));
    private LoadedStage stage;

    @AfterEach
    void tearDown() {
        if (stage != null) {
            discard.unloading(stage.maps);
            stage.close();
        }
    }

    private String hits(String port) throws Exception {
        HitsCommand command = new HitsCommand();
        command.discard = discard;
        command.port = port;
        return StandardOutput.of(command::execute);
    }

    @Test
    void hitsAsPrintedBeforeAndAfterTheStageIsLoaded() throws Exception {
        assertEquals("""
                Port  | Packets | Bytes
                ------+---------+------
                udp/9 |       - |     -
                tcp/9 |       - |     -
                the discard stage is not loaded into any pipeline yet
                """, hits(null));

        stage = new LoadedStage();
        discard.loaded(stage.maps);
        byte[] udp = Packets.udp("192.0.2.10", 40000, "198.51.100.20", 9, new byte[18]);
        stage.send(udp, 3);
        assertEquals("""
                Port  | Packets | Bytes
                ------+---------+------
                udp/9 |       3 |   180
                tcp/9 |       0 |     0
                """, hits(null));
        assertEquals("""
                Port  | Packets | Bytes
                ------+---------+------
                udp/9 |       3 |   180
                """, hits("UDP/9"));

        discard.modified(DiscardConfigs.of("udp/9, tcp/99999", "xdp"));
        assertEquals("""
                Port  | Packets | Bytes
                ------+---------+------
                udp/9 |       3 |   180
                configuration refused: io.deetune.discard: ports: 'tcp/99999': port 99999 is outside 1..65535
                """, hits("udp/9"));
        discard.modified(DiscardConfigs.of("", "xdp"));
        assertEquals("no port is discarded (io.deetune.discard, ports)\n", hits(null));
    }

    @Test
    void aPortNotDiscardedOrMalformedIsOneLineSayingWhat() {
        assertEquals("port: udp/19 is not discarded (ports in force: [udp/9, tcp/9])",
                assertThrows(IllegalArgumentException.class, () -> hits("udp/19")).getMessage());
        assertEquals("port: 'udp/x': 'x' is not a port number",
                assertThrows(IllegalArgumentException.class, () -> hits("udp/x")).getMessage());
    }

    @Test
    void theCompleterOffersThePortsInForce() {
        PortCompleter completer = new PortCompleter();
        completer.discard = discard;
        List<String> candidates = new ArrayList<>();
        completer.complete(null, commandLine("u"), candidates);
        assertEquals(List.of("udp/9"), candidates.stream().map(String::trim).toList());
        candidates.clear();
        completer.complete(null, commandLine(""), candidates);
        assertEquals(List.of("tcp/9", "udp/9"), candidates.stream().map(String::trim).sorted().toList());
    }

    /** The command line of {@code discard:hits <typed>}, the cursor at the end of what was typed. */
    private static CommandLine commandLine(String typed) {
        return (CommandLine) Proxy.newProxyInstance(CommandsTest.class.getClassLoader(), new Class<?>[] {CommandLine.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getCursorArgument" -> typed;
                    case "getArgumentPosition" -> typed.length();
                    case "getArguments" -> new String[] {"discard:hits", typed};
                    case "getCursorArgumentIndex" -> 1;
                    case "getBufferPosition" -> ("discard:hits " + typed).length();
                    case "getBuffer" -> "discard:hits " + typed;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}

package io.deetune.loadagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {

    private static String error(String... args) {
        return assertThrows(UsageException.class, () -> AgentOptions.parse(args)).getMessage();
    }

    @Test
    void defaults() throws Exception {
        AgentOptions options = AgentOptions.parse();
        assertEquals(9777, options.port());
        assertEquals(InetAddress.getByName("0.0.0.0"), options.bind());
        assertEquals(Duration.ofSeconds(1), options.interval());
        assertEquals(AgentOptions.Measure.CPU, options.measure());
        assertEquals(10, options.minPercent());
        assertNull(options.drainFile());
        assertFalse(options.help());
    }

    @Test
    void everyOptionWithItsValueNextOrAfterAnEqualsSign() throws Exception {
        AgentOptions options = AgentOptions.parse("--port", "19777", "--bind=::", "--interval", "250",
                "--measure=loadavg", "--min-percent", "0", "--drain-file", "/run/deetune/drain");
        assertEquals(19777, options.port());
        assertTrue(options.bind() instanceof Inet6Address);
        assertTrue(options.bind().isAnyLocalAddress());
        assertEquals(Duration.ofMillis(250), options.interval());
        assertEquals(AgentOptions.Measure.LOADAVG, options.measure());
        assertEquals(0, options.minPercent());
        assertEquals(Path.of("/run/deetune/drain"), options.drainFile());
        assertEquals(InetAddress.getByName("::1"), AgentOptions.parse("--bind", "[::1]").bind());
        assertEquals(80, AgentOptions.parse("--port", "1", "--port", "80").port());
        assertTrue(AgentOptions.parse("--help").help());
        assertTrue(AgentOptions.parse("--port", "80", "-h").help());
    }

    @Test
    void badValuesNameTheOptionAndTheRange() {
        assertEquals("--port 0 is outside 1..65535", error("--port", "0"));
        assertEquals("--port 65536 is outside 1..65535", error("--port=65536"));
        assertEquals("--port 'http' is not a whole number", error("--port", "http"));
        assertEquals("--interval 10 is outside 100..600000", error("--interval", "10"));
        assertEquals("--min-percent 101 is outside 0..100", error("--min-percent", "101"));
        assertEquals("--min-percent -1 is outside 0..100", error("--min-percent", "-1"));
        assertEquals("--measure 'memory' is neither cpu nor loadavg", error("--measure", "memory"));
        assertTrue(error("--bind", "no-such-host.invalid").startsWith("--bind 'no-such-host.invalid' is not"));
        assertTrue(error("--bind", "").startsWith("--bind needs an address"));
        assertEquals("--drain-file needs a path", error("--drain-file="));
    }

    @Test
    void badCommandLines() {
        assertEquals("--port needs a value", error("--port"));
        assertEquals("unknown option '--weight'", error("--weight", "3"));
        assertEquals("unknown option '--weight'", error("--weight=3"));
        assertTrue(error("9777").startsWith("unexpected argument '9777'"));
        assertEquals("--help takes no value", error("--help=yes"));
    }

    @Test
    void aBadCommandLineExitsWith2AndTheReasonAndUsageOnStderr() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LoadAgent.run(new String[] {"--port", "70000"}, print(out), print(err));
        assertEquals(2, status);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.startsWith("deetune-load-agent: --port 70000 is outside 1..65535\nUsage: "), message);
    }

    @Test
    void helpPrintsTheUsageOnStdout() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, LoadAgent.run(new String[] {"--help"}, print(out), print(err)));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: deetune-load-agent [options]\n"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--drain-file PATH"));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}

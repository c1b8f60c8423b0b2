package io.deetune.loadagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent on a loopback port, read as a load balancer's agent check reads it. */
class LoadAgentTest {

    static final Pattern ANSWER = Pattern.compile("^\\d{1,3}% (ready|drain)\n$");
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    static AgentOptions loopback(int minPercent, Path drainFile) {
        return new AgentOptions(0, InetAddress.getLoopbackAddress(), Duration.ofMillis(200), AgentOptions.Measure.CPU,
                minPercent, drainFile, false);
    }

    /** Connects, optionally sends {@code send} first (HAProxy's agent-send), and reads until the agent closes. */
    static String ask(int port, String send) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout(5000);
            if (send != null) {
                socket.getOutputStream().write(send.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aConnectionGetsOneAnswerLineAndIsClosed() throws IOException {
        try (LoadAgent agent = LoadAgent.start(loopback(10, null), QUIET, QUIET)) {
            for (int i = 0; i < 5; i++) {
                String line = ask(agent.port(), null);
                assertTrue(ANSWER.matcher(line).matches(), line);
                int percent = Integer.parseInt(line.substring(0, line.indexOf('%')));
                assertTrue(percent >= 10 && percent <= 100, line);
            }
        }
    }

    @Test
    void aClientThatSendsALineFirstGetsTheAnswerAndAnOrderlyClose() throws IOException {
        try (LoadAgent agent = LoadAgent.start(loopback(10, null), QUIET, QUIET)) {
            // readAllBytes would throw "Connection reset" had the agent closed with the request unread.
            for (int i = 0; i < 5; i++) {
                String line = ask(agent.port(), "hello agent\n");
                assertTrue(ANSWER.matcher(line).matches(), line);
            }
        }
    }

    @Test
    void whatAClientSendsIsReadSoItsConnectionIsNotReset() throws Exception {
        try (LoadAgent agent = LoadAgent.start(loopback(10, null), QUIET, QUIET);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), agent.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("agent-send\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(100);
            String line = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(ANSWER.matcher(line).matches(), line);
            // Data to a socket closed with unread input gets a reset back, and the write after that fails.
            out.write("more\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(100);
            out.write("more\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void theDrainFileTurnsReadyIntoDrainAtOnce() throws IOException {
        Path drain = dir.resolve("drain");
        try (LoadAgent agent = LoadAgent.start(loopback(10, drain), QUIET, QUIET)) {
            assertTrue(ask(agent.port(), null).endsWith("% ready\n"));
            Files.createFile(drain);
            assertTrue(ask(agent.port(), null).endsWith("% drain\n"));
            Files.delete(drain);
            assertTrue(ask(agent.port(), null).endsWith("% ready\n"));
        }
    }

    @Test
    void theStartupLineSaysWhereAndWhat() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LoadAgent agent = LoadAgent.start(loopback(0, null), AgentOptionsTest.print(out), QUIET)) {
            String line = out.toString(StandardCharsets.UTF_8);
            assertTrue(line.startsWith("deetune-load-agent: answering on 127.0.0.1:" + agent.port()
                    + ", measuring cpu (/proc/stat) every 200 ms, at least 0%; now: "), line);
        }
    }

    @Test
    void addressesAreWrittenShort() throws IOException {
        assertEquals("[::]:9777", LoadAgent.describe(new InetSocketAddress(InetAddress.getByName("::"), 9777)));
        assertEquals("[::1]:1", LoadAgent.describe(new InetSocketAddress(InetAddress.getByName("::1"), 1)));
        assertEquals("[fe80::1:2]:80",
                LoadAgent.describe(new InetSocketAddress(InetAddress.getByName("fe80::1:2"), 80)));
        assertEquals("[2001:db8::1:0:0:1]:80",
                LoadAgent.describe(new InetSocketAddress(InetAddress.getByName("2001:db8:0:0:1:0:0:1"), 80)));
        assertEquals("0.0.0.0:9777", LoadAgent.describe(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 9777)));
    }

    @Test
    void aTakenPortExitsWith1AndSaysWhy() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = LoadAgent.run(new String[] {"--bind", "127.0.0.1", "--port",
                    String.valueOf(taken.getLocalPort())}, QUIET, AgentOptionsTest.print(err));
            assertEquals(1, status);
            String message = err.toString(StandardCharsets.UTF_8);
            assertTrue(message.startsWith("deetune-load-agent: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": "), message);
        }
    }

    @Test
    void aDrainingClientDoesNotDelayOthers() throws IOException {
        try (LoadAgent agent = LoadAgent.start(loopback(10, null), QUIET, QUIET)) {
            // Clients that send and then never close hold a closer each until its timeout; answers keep coming.
            Socket[] lingering = new Socket[4];
            try {
                for (int i = 0; i < lingering.length; i++) {
                    lingering[i] = new Socket(InetAddress.getLoopbackAddress(), agent.port());
                    lingering[i].getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
                }
                long start = System.nanoTime();
                String line = ask(agent.port(), null);
                assertTrue(ANSWER.matcher(line).matches(), line);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis < AgentServer.DRAIN_TIMEOUT_MS / 2, millis + " ms");
            } finally {
                for (Socket socket : lingering) {
                    if (socket != null) {
                        socket.close();
                    }
                }
            }
        }
    }
}

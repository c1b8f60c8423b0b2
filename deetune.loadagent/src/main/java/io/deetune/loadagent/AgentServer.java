package io.deetune.loadagent;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Answers every TCP connection with one line and closes it (HAProxy's agent-check protocol).
 *
 * <p>One thread accepts and writes the answer at once, without waiting for the client to send anything. A
 * client may send a line first ({@code agent-send} in HAProxy): closing a socket with unread data would make the
 * kernel reset the connection, and a reset can reach the client before it has read the answer. So after the
 * answer the agent only half-closes (FIN), and a small pool reads and drops what the client sends until it closes
 * too (at most {@link #DRAIN_TIMEOUT_MS}), then closes; a client that lingers thus never delays another's answer.
 */
final class AgentServer implements AutoCloseable {

    static final int DRAIN_TIMEOUT_MS = 2000;
    /** More than any agent-check client sends; a client sending more is not one, and is cut off. */
    static final int DRAIN_LIMIT_BYTES = 4096;

    private final ServerSocket server;
    private final Supplier<String> answer;
    private final PrintStream log;
    private final Thread acceptor;
    /** Connections waiting for their client to close; when all are busy and the queue is full, closed at once. */
    private final ThreadPoolExecutor closers = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(256), runnable -> {
                Thread thread = new Thread(runnable, "deetune-load-agent-closer");
                thread.setDaemon(true);
                return thread;
            });
    private volatile boolean closed;

    private AgentServer(ServerSocket server, Supplier<String> answer, PrintStream log) {
        this.server = server;
        this.answer = answer;
        this.log = log;
        closers.allowCoreThreadTimeOut(true);
        // Not a daemon: the accept loop is what keeps the agent's JVM running.
        acceptor = new Thread(this::acceptLoop, "deetune-load-agent-accept");
    }

    /** Listens on {@code address} (port 0: any free one) and starts answering with {@code answer}'s lines. */
    static AgentServer start(InetSocketAddress address, Supplier<String> answer, PrintStream log) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(address, 128);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        AgentServer agentServer = new AgentServer(server, answer, log);
        agentServer.acceptor.start();
        return agentServer;
    }

    /** The port listened on. */
    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // Out of file descriptors, most likely: say so and give the host a moment, rather than spin.
                log.println("deetune-load-agent: accept failed: " + e.getMessage());
                pause();
                continue;
            }
            if (answer(socket)) {
                finishLater(socket);
            }
        }
    }

    /** Writes the answer and half-closes; false (and the socket closed) when the client is already gone. */
    private boolean answer(Socket socket) {
        try {
            socket.getOutputStream().write(answer.get().getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            return true;
        } catch (IOException e) {
            closeQuietly(socket);
            return false;
        } catch (RuntimeException e) {
            // Whatever went wrong with this answer, the accept loop has to go on answering the next.
            log.println("deetune-load-agent: no answer: " + e);
            closeQuietly(socket);
            return false;
        }
    }

    private void finishLater(Socket socket) {
        try {
            closers.execute(() -> drainAndClose(socket));
        } catch (RejectedExecutionException e) {
            closeQuietly(socket);
        }
    }

    private static void drainAndClose(Socket socket) {
        try (socket; InputStream in = socket.getInputStream()) {
            socket.setSoTimeout(DRAIN_TIMEOUT_MS);
            byte[] buffer = new byte[512];
            int total = 0;
            int read;
            while (total < DRAIN_LIMIT_BYTES && (read = in.read(buffer)) >= 0) {
                total += read;
            }
        } catch (IOException e) {
            // A timeout or a reset: the answer was written, the socket is closed either way.
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing left to do with it.
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops listening; connections being drained are closed by their timeout. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Closing a listening socket does not fail in a way that matters here.
        }
        closers.shutdown();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

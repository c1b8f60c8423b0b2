package io.deetune.lb.internal;

import io.deetune.lb.Backend;
import io.deetune.lb.HealthCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One probe of one backend on a non-blocking socket, driven by {@link HealthMonitor}'s selector: a health check
 * (connect, and for {@code http} send a GET and read the status line) or a read of the backend's load agent (connect
 * to its agent port and read the one line it writes). Many run at once on the monitor's one thread, so a backend
 * whose probe waits for its timeout delays no other. The socket is opened by the thread that creates the probe, so
 * it belongs to that thread's network namespace.
 */
final class HealthProbe implements AutoCloseable {

    /** The first line is all a probe reads; a longer one is cut here. */
    private static final int STATUS_LINE_MAX = AgentReply.MAX_LINE;
    private static final String AGENT = "agent";

    /** {@code tcp} or {@code http} (a health check's type), or {@code agent}: a read whose {@link #line()} is the result. */
    private final String kind;
    /** The path an {@code http} check requests. */
    private final String path;
    private final long timeoutMillis;
    private final Backend backend;
    private final long deadlineNanos;
    private final SocketChannel channel;
    private SelectionKey key;
    private ByteBuffer request;
    private final StringBuilder statusLine = new StringBuilder();
    private boolean done;
    private String failure;

    /** A health check; opens the socket and starts connecting (a probe that fails at once is {@link #done()} already). */
    HealthProbe(HealthCheck check, Backend backend, Selector selector, long nowNanos) throws IOException {
        this(check.type(), check.path(), backend, backend.port(), check.timeoutMillis(), selector, nowNanos);
    }

    /** A read of the backend's agent on {@code port}, as {@link AgentReply} reads its line. */
    static HealthProbe agent(Backend backend, int port, long timeoutMillis, Selector selector, long nowNanos) throws IOException {
        return new HealthProbe(AGENT, null, backend, port, timeoutMillis, selector, nowNanos);
    }

    private HealthProbe(String kind, String path, Backend backend, int port, long timeoutMillis, Selector selector,
                        long nowNanos) throws IOException {
        this.kind = kind;
        this.path = path;
        this.timeoutMillis = timeoutMillis;
        this.backend = backend;
        this.deadlineNanos = nowNanos + Math.max(1, timeoutMillis) * 1_000_000;
        this.channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            key = channel.register(selector, SelectionKey.OP_CONNECT, this);
            if (channel.connect(new InetSocketAddress(backend.address(), port))) {
                connected();
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    boolean agent() {
        return AGENT.equals(kind);
    }

    /** The agent's line (without its line break); meaningful once {@link #done()} without {@link #failure()}. */
    String line() {
        return statusLine.toString();
    }

    Backend backend() {
        return backend;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    boolean done() {
        return done;
    }

    /** Null when healthy, else why not; meaningful once {@link #done()}. */
    String failure() {
        return failure;
    }

    /** Goes on with what the selector found ready. */
    void ready() {
        try {
            if (key.isConnectable() && channel.finishConnect()) {
                connected();
            } else if (key.isWritable()) {
                write();
            } else if (key.isReadable()) {
                read();
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    /** Fails the probe if it is past its deadline. */
    void expire(long nowNanos) {
        if (!done && nowNanos - deadlineNanos >= 0) {
            finish(kind + " check of " + backend.endpoint() + " failed: no answer within " + timeoutMillis + " ms");
        }
    }

    private void connected() throws IOException {
        if (agent()) {
            interest(SelectionKey.OP_READ); // the agent writes its line at once and closes
            return;
        }
        if (!"http".equals(kind)) {
            finish(null);
            return;
        }
        request = ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: " + backend.endpoint()
                + "\r\nUser-Agent: deetune-lb-health\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        interest(SelectionKey.OP_WRITE);
        write();
    }

    private void write() throws IOException {
        channel.write(request);
        if (!request.hasRemaining()) {
            interest(SelectionKey.OP_READ);
        }
    }

    private void read() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(STATUS_LINE_MAX);
        int n = channel.read(buffer);
        for (int i = 0; i < Math.max(0, n); i++) {
            char c = (char) (buffer.get(i) & 0xff);
            if (c == '\n' || statusLine.length() >= STATUS_LINE_MAX) {
                judge();
                return;
            }
            if (c != '\r') {
                statusLine.append(c);
            }
        }
        if (n < 0) {
            judge();
        }
    }

    private void judge() {
        String status = statusLine.toString();
        if (agent()) {
            finish(status.isEmpty() ? "agent of " + backend.endpoint() + " closed without an answer" : null);
            return;
        }
        String[] parts = status.split(" ");
        if (parts.length >= 2 && parts[0].startsWith("HTTP/") && (parts[1].startsWith("2") || parts[1].startsWith("3"))) {
            finish(null);
        } else {
            finish("HTTP GET " + path + " answered '" + status + "'");
        }
    }

    private void interest(int ops) {
        if (key != null) {
            key.interestOps(ops);
        }
    }

    private void fail(IOException e) {
        finish(kind + " check of " + backend.endpoint() + " failed: " + e.getMessage());
    }

    private void finish(String failure) {
        if (!done) {
            done = true;
            this.failure = failure;
            close();
        }
    }

    @Override
    public void close() {
        try {
            channel.close(); // also cancels its key
        } catch (IOException e) {
            // nothing to do: the probe is over either way
        }
    }
}

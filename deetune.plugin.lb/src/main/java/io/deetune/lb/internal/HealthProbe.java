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

    private final HealthCheck check;
    private final Backend backend;
    /** True for a read of the backend's agent, whose {@link #line()} is the result. */
    private final boolean agent;
    private final long deadlineNanos;
    private final SocketChannel channel;
    private SelectionKey key;
    private ByteBuffer request;
    private final StringBuilder statusLine = new StringBuilder();
    private boolean done;
    private String failure;

    /** A health check; opens the socket and starts connecting (a probe that fails at once is {@link #done()} already). */
    HealthProbe(HealthCheck check, Backend backend, Selector selector, long nowNanos) throws IOException {
        this(check, backend, false, backend.port(), check.timeoutMillis(), selector, nowNanos);
    }

    /** A read of the backend's agent on {@code port}, as {@link AgentReply} reads its line. */
    static HealthProbe agent(Backend backend, int port, long timeoutMillis, Selector selector, long nowNanos) throws IOException {
        return new HealthProbe(new HealthCheck("agent", "/", timeoutMillis, timeoutMillis, 1, 1), backend, true, port,
                timeoutMillis, selector, nowNanos);
    }

    private HealthProbe(HealthCheck check, Backend backend, boolean agent, int port, long timeoutMillis, Selector selector,
                        long nowNanos) throws IOException {
        this.check = check;
        this.backend = backend;
        this.agent = agent;
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
        return agent;
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
            finish(check.type() + " check of " + backend.endpoint() + " failed: no answer within " + check.timeoutMillis() + " ms");
        }
    }

    private void connected() throws IOException {
        if (agent) {
            interest(SelectionKey.OP_READ); // the agent writes its line at once and closes
            return;
        }
        if (!"http".equals(check.type())) {
            finish(null);
            return;
        }
        request = ByteBuffer.wrap(("GET " + check.path() + " HTTP/1.0\r\nHost: " + backend.endpoint()
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
        if (agent) {
            finish(status.isEmpty() ? "agent of " + backend.endpoint() + " closed without an answer" : null);
            return;
        }
        String[] parts = status.split(" ");
        if (parts.length >= 2 && parts[0].startsWith("HTTP/") && (parts[1].startsWith("2") || parts[1].startsWith("3"))) {
            finish(null);
        } else {
            finish("HTTP GET " + check.path() + " answered '" + status + "'");
        }
    }

    private void interest(int ops) {
        if (key != null) {
            key.interestOps(ops);
        }
    }

    private void fail(IOException e) {
        finish(check.type() + " check of " + backend.endpoint() + " failed: " + e.getMessage());
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

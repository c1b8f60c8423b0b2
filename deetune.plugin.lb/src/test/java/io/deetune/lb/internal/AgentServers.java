package io.deetune.lb.internal;

import io.deetune.bpf.NetNs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A load agent in each backend namespace of an {@link LbLab}, as HAProxy's agent-check protocol has it: accepts a
 * connection, writes its current line and closes. The test sets each agent's line.
 */
final class AgentServers implements AutoCloseable {

    static final int PORT = 9777;

    private final List<ServerSocket> sockets = new ArrayList<>();
    private final List<AtomicReference<String>> answers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    AgentServers(LbLab lab, String initialAnswer) {
        for (String ns : lab.backends) {
            ServerSocket socket = NetNs.get(ns, () -> {
                try {
                    ServerSocket s = new ServerSocket();
                    s.setReuseAddress(true);
                    s.bind(new InetSocketAddress(PORT), 64);
                    return s; // bound in the backend's namespace, accepted from any thread
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            AtomicReference<String> answer = new AtomicReference<>(initialAnswer);
            sockets.add(socket);
            answers.add(answer);
            threads.add(Thread.ofPlatform().daemon(true).name("agent-" + ns).start(() -> serve(socket, answer)));
        }
    }

    private static void serve(ServerSocket socket, AtomicReference<String> answer) {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept(); OutputStream out = client.getOutputStream()) {
                out.write((answer.get() + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // closed, or a reader that went away: the next connection is served
            }
        }
    }

    /** Backend i's agent answers {@code line} from now on. */
    void answer(int backend, String line) {
        answers.get(backend).set(line);
    }

    @Override
    public void close() throws InterruptedException {
        for (ServerSocket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }
}

package io.deetune.karaf.itest;

import io.deetune.bpf.NetNs;
import io.deetune.bpf.testing.NetLab;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A load balancer's lab with real servers: a client namespace and an LB namespace joined by a veth pair, and backend
 * namespaces behind the LB, each with a TCP echo server that prefixes every line with its name ({@code b1}, {@code b2},
 * ...), so a client can tell which backend answered.
 *
 * <pre>
 *   client S.0.2 --c0==lb-c-- lb S.0.1 --lb-bN==bN-- backend N S.N.2:port (N = 1..n)
 * </pre>
 */
final class EchoLab implements AutoCloseable {

    private final NetLab lab = new NetLab();
    private final List<ServerSocket> servers = new ArrayList<>();
    private final int backendPort;
    private final String client;
    private final String lb;
    private final StringBuilder interfaces;

    /** {@code subnet}: the first two bytes of the lab's addresses, e.g. {@code "10.78"}. */
    EchoLab(String subnet, int backends, int backendPort) {
        this.backendPort = backendPort;
        client = lab.namespace("rclient");
        lb = lab.namespace("rlb");
        lab.veth(client, "c0", subnet + ".0.2/24", lb, "lb-c", subnet + ".0.1/24");
        lab.exec(client, "ip", "route", "add", "default", "via", subnet + ".0.1");
        // XDP_REDIRECT into a veth delivers only when its peer has GRO on (see DESIGN.md).
        lab.exec(client, "ethtool", "-K", "c0", "gro", "on");
        interfaces = new StringBuilder(lb + ":lb-c");
        for (int n = 1; n <= backends; n++) {
            String backend = lab.namespace("rb" + n);
            lab.veth(lb, "lb-b" + n, subnet + "." + n + ".1/24", backend, "b" + n, subnet + "." + n + ".2/24");
            lab.exec(backend, "ip", "route", "add", "default", "via", subnet + "." + n + ".1");
            lab.exec(backend, "ethtool", "-K", "b" + n, "gro", "on");
            startEchoServer(backend, "b" + n);
            interfaces.append(", ").append(lb).append(":lb-b").append(n);
        }
        lab.exec(lb, "sysctl", "-qw", "net.ipv4.ip_forward=1");
    }

    String client() {
        return client;
    }

    String lb() {
        return lb;
    }

    /** The LB namespace's interfaces, as a pipeline's {@code interfaces} list. */
    String interfaces() {
        return interfaces.toString();
    }

    String exec(String ns, String... command) {
        return lab.exec(ns, command);
    }

    /** Opens a TCP connection from the client namespace. */
    Socket connect(String address, int port) {
        return NetNs.get(client, () -> {
            try {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(InetAddress.ofLiteral(address), port), 3000);
                socket.setSoTimeout(5000);
                return socket;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** One line over a new connection; returns the name of the backend that answered. */
    String newConnection(String address, int port) throws IOException {
        try (Socket socket = connect(address, port);
             BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))) {
            socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            String reply = in.readLine();
            if (reply == null || !reply.endsWith(" hello")) {
                throw new IOException("unexpected reply '" + reply + "'");
            }
            return reply.substring(0, reply.indexOf(' '));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** A TCP echo server in {@code ns} that prefixes every line with {@code name}. */
    private void startEchoServer(String ns, String name) {
        ServerSocket server = NetNs.get(ns, () -> {
            try {
                return new ServerSocket(backendPort, 64, InetAddress.ofLiteral("0.0.0.0"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        servers.add(server);
        Thread.ofPlatform().daemon().name("echo-" + name).start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket connection = server.accept();
                    Thread.ofVirtual().start(() -> echo(connection, name));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static void echo(Socket connection, String name) {
        try (connection;
             BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
             PrintWriter out = new PrintWriter(connection.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.println(name + " " + line);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        for (ServerSocket server : servers) {
            server.close();
        }
        lab.close();
    }
}

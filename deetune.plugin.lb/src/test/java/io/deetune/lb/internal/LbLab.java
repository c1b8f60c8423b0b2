package io.deetune.lb.internal;

import com.sun.net.httpserver.HttpServer;
import io.deetune.bpf.BpfLink;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.NetNs;
import io.deetune.bpf.testing.NetLab;
import io.deetune.bpf.testing.NetLab.TxChecksum;
import io.deetune.core.api.Hook;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load balancer testbed: client ns -- LB ns -- three backend ns (one veth each), the LB routing between them.
 * The stage program is attached straight to the LB's interfaces (no core pipeline yet); backends run JDK HTTP
 * servers that answer with their own name.
 */
final class LbLab implements AutoCloseable {

    static final String VIP = "10.0.0.100";
    static final String VIP6 = "fd00::100";
    static final String CLIENT6 = "fd10::2";
    static final int BACKEND_PORT = 8080;
    /** Client addresses on the client's veth (for source-hash). */
    static final List<String> CLIENTS = List.of("10.10.0.2", "10.10.0.3", "10.10.0.4");

    final NetLab lab = new NetLab();
    final String client = lab.namespace("client");
    final String lb = lab.namespace("lb");
    final List<String> backends = new ArrayList<>();
    final List<String> backendAddresses = new ArrayList<>();
    final List<String> backendAddresses6 = new ArrayList<>();
    final List<String> lbInterfaces = new ArrayList<>(List.of("lb-c"));
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<BpfLink> links = new ArrayList<>();
    /** Keeps the object's lb_egress maps as the stage does, while attached (see {@link #attach(BpfObject, Hook, boolean)}). */
    private EgressMonitor egress;

    LbLab() {
        this(TxChecksum.OFF);
    }

    /**
     * With {@code senders} ON the client's and the backends' veths keep transmit checksum offload (the kernel's
     * default, as containers send: CHECKSUM_PARTIAL and GSO packets reach the stage); the LB's own ends keep
     * OFF, so what it forwards is checksummed by its own transmit path and a wrong checksum field shows at the
     * receiver.
     */
    LbLab(TxChecksum senders) {
        noDuplicateAddressDetection(client);
        noDuplicateAddressDetection(lb);
        lab.veth(client, "c0", CLIENTS.getFirst() + "/24", senders, lb, "lb-c", "10.10.0.1/24", TxChecksum.OFF);
        for (String extra : CLIENTS.subList(1, CLIENTS.size())) {
            lab.exec(client, "ip", "addr", "add", extra + "/24", "dev", "c0");
        }
        lab.exec(client, "ip", "route", "add", "default", "via", "10.10.0.1");
        // IPv6 beside IPv4; nodad: usable at once instead of after duplicate address detection.
        lab.exec(client, "ip", "addr", "add", CLIENT6 + "/64", "dev", "c0", "nodad");
        lab.exec(lb, "ip", "addr", "add", "fd10::1/64", "dev", "lb-c", "nodad");
        lab.exec(client, "ip", "-6", "route", "add", "default", "via", "fd10::1");
        // XDP_REDIRECT into a veth delivers only when its peer has GRO on (or an XDP program): see DESIGN.md.
        lab.exec(client, "ethtool", "-K", "c0", "gro", "on");
        for (int i = 1; i <= 3; i++) {
            String ns = lab.namespace("b" + i);
            noDuplicateAddressDetection(ns);
            String address = "10.11." + i + ".2";
            lab.veth(lb, "lb-b" + i, "10.11." + i + ".1/24", TxChecksum.OFF, ns, "b" + i, address + "/24", senders);
            lab.exec(ns, "ip", "route", "add", "default", "via", "10.11." + i + ".1");
            lab.exec(ns, "ip", "addr", "add", "fd11:" + i + "::2/64", "dev", "b" + i, "nodad");
            lab.exec(lb, "ip", "addr", "add", "fd11:" + i + "::1/64", "dev", "lb-b" + i, "nodad");
            lab.exec(ns, "ip", "-6", "route", "add", "default", "via", "fd11:" + i + "::1");
            backendAddresses6.add("fd11:" + i + "::2");
            lab.exec(ns, "ethtool", "-K", "b" + i, "gro", "on");
            backends.add(ns);
            backendAddresses.add(address);
            lbInterfaces.add("lb-b" + i);
            servers.add(null);
        }
        lab.exec(lb, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        lab.exec(lb, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
    }

    /** IPv6 addresses (link-local ones too) of interfaces created from now on are usable at once. */
    private void noDuplicateAddressDetection(String ns) {
        lab.exec(ns, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0");
    }

    /** Attaches the stage's XDP program to every LB interface (native XDP on veth). */
    void attach(BpfObject object) {
        attach(object, Hook.XDP);
    }

    /**
     * Attaches the stage's program of {@code hook} (native XDP, or tcx ingress) to every LB interface, with the
     * stage's {@link EgressMonitor} keeping the interfaces XDP may redirect to.
     */
    void attach(BpfObject object, Hook hook) {
        attach(object, hook, true);
    }

    /** {@link #attach(BpfObject, Hook)}; without {@code monitorEgress} the test writes lb_egress itself. */
    void attach(BpfObject object, Hook hook, boolean monitorEgress) {
        if (monitorEgress) {
            EgressPorts ports = new EgressPorts();
            ports.attach(object::map);
            egress = new EgressMonitor(ports, lb);
        }
        for (String ifname : lbInterfaces) {
            links.add(LbObjects.attach(object, hook, lb, ifname));
        }
    }

    void detach() {
        links.forEach(BpfLink::close);
        links.clear();
        if (egress != null) {
            try {
                egress.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            egress = null;
        }
    }

    /** Starts backend i's HTTP server (answers its name, e.g. "b1"). */
    void startServer(int i) {
        String name = "b" + (i + 1);
        HttpServer server = NetNs.get(backends.get(i), () -> {
            try {
                return HttpServer.create(new InetSocketAddress(BACKEND_PORT), 64); // IPv4 and IPv6
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        server.createContext("/", exchange -> {
            byte[] body = name.getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        servers.set(i, server);
    }

    void stopServer(int i) {
        HttpServer server = servers.set(i, null);
        if (server != null) {
            server.stop(0);
        }
    }

    /** One HTTP/1.0 request on a new connection from {@code source} (an address of the client) to the VIP. */
    static String get(String source, int port) throws IOException {
        return get(source, VIP, port);
    }

    /**
     * Client ports, each used once per run. The servers close first and keep TIME_WAIT; a port the kernel handed out
     * again could meet its own TIME_WAIT at the backend that served it before, whose answer (an ACK, then the
     * client's RST) closes the new flow, and the SYN retransmitted a second later is balanced as a new flow: seen
     * as 101/100/99 in an "exactly even" round-robin test. 40,000 ports before one comes round again: tests keep
     * their load steady so that a run of the module stays well below that.
     */
    private static final AtomicInteger NEXT_CLIENT_PORT = new AtomicInteger();

    static String get(String source, String vip, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.ofLiteral(source), 20000 + NEXT_CLIENT_PORT.getAndIncrement() % 40000));
            socket.connect(new InetSocketAddress(InetAddress.ofLiteral(vip), port), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\nHost: vip\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!response.startsWith("HTTP/1.1 200")) {
                throw new IOException("unexpected response: " + response);
            }
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    /** Sends {@code count} requests, each on a new connection, from {@code source}; counts answers by backend. */
    Map<String, Integer> requests(String source, int count) {
        return NetNs.get(client, () -> {
            Map<String, Integer> answers = new HashMap<>();
            for (int i = 0; i < count; i++) {
                try {
                    answers.merge(get(source, 80), 1, Integer::sum);
                } catch (IOException e) {
                    throw new AssertionError("request " + i + " from " + source + " failed", e);
                }
            }
            return answers;
        });
    }

    /** One request on a kept-alive HTTP/1.1 connection, left open; returns the backend's name. */
    static String keepAliveRequest(Socket socket) throws IOException {
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: vip\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed after " + head);
            }
            head.append((char) c);
        }
        int length = Integer.parseInt(head.toString().toLowerCase().replaceAll("(?s).*content-length: *(\\d+).*", "$1"));
        return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        detach();
        for (int i = 0; i < servers.size(); i++) {
            stopServer(i);
        }
        lab.close();
    }
}

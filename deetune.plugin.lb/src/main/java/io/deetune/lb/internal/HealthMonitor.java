package io.deetune.lb.internal;

import io.deetune.bpf.NetNs;
import io.deetune.lb.Backend;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.VirtualService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every backend of every service with a health check, from inside the load balancer's network namespace:
 * one platform thread joins the namespace once (setns through {@link NetNs}) and runs all probes, so every socket
 * it opens belongs there. After {@code fall} failures in a row a backend leaves selection (its flows move); after
 * {@code rise} successes it returns.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    /** How often the loop looks for due probes; intervals are not shorter in practice. */
    private static final long TICK_MILLIS = 50;

    private record Key(String service, String endpoint) {}

    private static final class Probe {
        int failures;
        int successes;
        long dueMillis;
    }

    private final LbEngine engine;
    private final String namespace;
    private final Map<Key, Probe> probes = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public HealthMonitor(LbEngine engine, String namespace) {
        this.engine = engine;
        this.namespace = namespace;
        this.thread = Thread.ofPlatform().name("deetune-lb-health").daemon(true).start(this::run);
    }

    private void run() {
        try {
            NetNs.run(namespace, this::loop);
        } catch (RuntimeException e) {
            LOG.error("lb: health checks stopped: cannot run in network namespace '{}'", namespace, e);
        }
    }

    private void loop() {
        while (running) {
            try {
                probeDue(System.currentTimeMillis());
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("lb: health check round failed", e);
            }
        }
    }

    private void probeDue(long now) {
        Set<Key> current = new HashSet<>();
        for (VirtualService service : engine.services()) {
            HealthCheck check = service.healthCheck();
            if (!check.enabled()) {
                continue;
            }
            for (Backend backend : service.backends()) {
                Key key = new Key(service.name(), backend.endpoint());
                current.add(key);
                Probe probe = probes.computeIfAbsent(key, k -> new Probe());
                if (probe.dueMillis > now || !running) {
                    continue;
                }
                probe.dueMillis = now + check.intervalMillis();
                String failure = probe(check, backend);
                if (failure == null) {
                    probe.failures = 0;
                    if (++probe.successes >= check.rise() && !engine.healthy(service.name(), backend)) {
                        engine.setHealth(service.name(), backend, true, check.type() + " check passed " + probe.successes + " time(s)");
                    }
                } else {
                    probe.successes = 0;
                    if (++probe.failures >= check.fall() && engine.healthy(service.name(), backend)) {
                        engine.setHealth(service.name(), backend, false, failure);
                    }
                }
            }
        }
        probes.keySet().retainAll(current);
    }

    /** Runs one probe; null when healthy, else why not. */
    static String probe(HealthCheck check, Backend backend) {
        int timeout = (int) Math.max(1, check.timeoutMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(backend.address(), backend.port()), timeout);
            if (!"http".equals(check.type())) {
                return null;
            }
            socket.setSoTimeout(timeout);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + check.path() + " HTTP/1.0\r\nHost: " + backend.endpoint() + "\r\nUser-Agent: deetune-lb-health\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = statusLine(socket.getInputStream());
            String[] parts = status.split(" ");
            if (parts.length >= 2 && parts[0].startsWith("HTTP/") && (parts[1].startsWith("2") || parts[1].startsWith("3"))) {
                return null;
            }
            return "HTTP GET " + check.path() + " answered '" + status + "'";
        } catch (IOException e) {
            return check.type() + " check of " + backend.endpoint() + " failed: " + e.getMessage();
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n' && line.length() < 200) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws InterruptedException {
        // No interrupt: the probing thread is NetNs's, behind this one; it sees the flag within one tick or probe.
        running = false;
        thread.join();
    }
}

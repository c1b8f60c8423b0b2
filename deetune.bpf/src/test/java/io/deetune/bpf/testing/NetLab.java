package io.deetune.bpf.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away network lab: named network namespaces joined by veth pairs, built with iproute2 and removed on
 * {@link #close()}. Names carry a random suffix so parallel or leftover labs never collide, and nothing touches
 * the machine's own namespace. Traffic in tests only flows between the namespaces a lab creates.
 */
public final class NetLab implements AutoCloseable {

    private final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    private final List<String> namespaces = new ArrayList<>();

    /** Creates namespace {@code name + suffix} with loopback up and returns its full name. */
    public String namespace(String name) {
        String ns = "dt-" + name + "-" + suffix;
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        run("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /**
     * Joins two namespaces with a veth pair: {@code ifA} in {@code nsA} with address {@code cidrA}, {@code ifB} in
     * {@code nsB} with {@code cidrB}; both up. Checksum offload is turned off on both sides so frames carry full
     * checksums, as on a wire (see the design's namespace notes).
     */
    public void veth(String nsA, String ifA, String cidrA, String nsB, String ifB, String cidrB) {
        veth(nsA, ifA, cidrA, TxChecksum.OFF, nsB, ifB, cidrB, TxChecksum.OFF);
    }

    /**
     * Transmit checksum offload of one end of a veth pair. {@link #OFF} (what {@link #veth(String, String, String,
     * String, String, String)} sets up) makes the sender write full checksums, as frames on a wire carry.
     * {@link #ON} is the kernel's default for veth and what containers send with: TCP and UDP leave the checksum
     * to be completed (CHECKSUM_PARTIAL, the field holding the pseudo header's sum) and large writes go out as one
     * GSO packet, so a stage between the namespaces meets the skbs a real container host hands it.
     */
    public enum TxChecksum { OFF, ON }

    /** {@link #veth(String, String, String, String, String, String)} with each end's transmit checksum offload. */
    public void veth(String nsA, String ifA, String cidrA, TxChecksum txA, String nsB, String ifB, String cidrB, TxChecksum txB) {
        run("ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        configure(nsA, ifA, cidrA, txA);
        configure(nsB, ifB, cidrB, txB);
    }

    private void configure(String ns, String ifname, String cidr, TxChecksum tx) {
        if (cidr != null) {
            run("ip", "-n", ns, "addr", "add", cidr, "dev", ifname);
        }
        run("ip", "-n", ns, "link", "set", ifname, "up");
        if (tx == TxChecksum.OFF) {
            exec(ns, "ethtool", "-K", ifname, "tx", "off");
        }
    }

    /** Two lab hosts joined by one veth pair. */
    public record Pair(String client, String server, String clientAddress, String serverAddress) {}

    /**
     * The usual two-host lab: namespace {@code client} with {@code veth-c} at {@code <prefix>.1/24} and namespace
     * {@code server} with {@code veth-s} at {@code <prefix>.2/24}, e.g. {@code pair("10.200.0")}.
     */
    public Pair pair(String prefix) {
        String client = namespace("client");
        String server = namespace("server");
        veth(client, "veth-c", prefix + ".1/24", server, "veth-s", prefix + ".2/24");
        return new Pair(client, server, prefix + ".1", prefix + ".2");
    }

    /** Runs a command inside a namespace ({@code ip netns exec}) and returns its output; fails on a non-zero exit. */
    public String exec(String ns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    /** Runs a command and returns its standard output; fails with its output on a non-zero exit. */
    public static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("'" + String.join(" ", command) + "' exited with " + process.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The namespaces this lab created. */
    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    /** Deletes every namespace (and so every veth) the lab created. */
    @Override
    public void close() {
        for (String ns : namespaces.reversed()) {
            try {
                run("ip", "netns", "del", ns);
            } catch (RuntimeException e) {
                System.err.println("NetLab: could not delete namespace " + ns + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }
}

package io.deetune.firewall.internal;

import io.deetune.bpf.BpfLink;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.NetNs;
import io.deetune.bpf.TcDirection;
import io.deetune.bpf.XdpMode;
import io.deetune.bpf.testing.Packets;
import io.deetune.firewall.Action;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Java half of bench/firewall.sh (not a test: it measures and prints).
 *
 * <pre>
 * inkernel SIZE...                 ns/packet of the stage by BPF_PROG_TEST_RUN and rule-set load times, per size
 * generate SIZE DIR                the traffic benchmark's rule set in three syntaxes: DIR/fw-SIZE.rules,
 *                                  DIR/ipt-SIZE.rules (iptables-restore), DIR/nft-SIZE.nft (nft -f)
 * attach NS IFNAME RULES PIN       loads the stage with RULES, attaches it to IFNAME in NS, pins the link at PIN
 * attach-tc NS IFNAME RULES PIN STATS   the same with the tc-ingress object (tcx), its deetune_stats map pinned at STATS
 * attach-tc-drop NS IFNAME PIN     attaches the test program tc_drop (drops everything) to IFNAME's tcx ingress
 * </pre>
 */
public final class FirewallBench {

    /** The traffic benchmark's packets come from here; the last rule of every generated set denies it. */
    static final String TRAFFIC_SOURCE = "10.250.255.254";
    private static final int REPEAT = 2_000_000;

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "inkernel" -> inKernel(Arrays.stream(args).skip(1).mapToInt(Integer::parseInt).toArray());
            case "generate" -> generate(Integer.parseInt(args[1]), Path.of(args[2]));
            case "attach" -> attach(false, args[1], args[2], Path.of(args[3]), Path.of(args[4]), null);
            case "attach-tc" -> attach(true, args[1], args[2], Path.of(args[3]), Path.of(args[4]), Path.of(args[5]));
            case "attach-tc-drop" -> attachTcDrop(args[1], args[2], Path.of(args[3]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    // ---- rule sets ----

    /** The i-th address of the 10.0.0.0/8 space, skipping .0 so every address is a host. */
    private static String host(int i) {
        return "10." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
    }

    /** Source blocklist shape: N deny rules, one /32 source each; the last one is the traffic's source. */
    static List<String> sourceRules(int size) {
        List<String> rules = new ArrayList<>(size);
        for (int i = 1; i < size; i++) {
            rules.add(host(i));
        }
        rules.add(TRAFFIC_SOURCE);
        return rules;
    }

    /**
     * A mixed rule set: eight shapes (seven IPv4 tuples, one IPv6 tuple) repeated with distinct addresses, so every
     * size from 10 up has the same tuples and only the number of entries grows.
     */
    static String mixedRules(int size) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < size; i++) {
            int n = i / 8 + 1;
            out.append(switch (i % 8) {
                case 0 -> "deny proto udp src " + host(n) + " dport " + (1000 + n % 1000);
                case 1 -> "deny proto tcp src " + host(n << 8) + "/24 dport 443 flags syn/syn,ack";
                case 2 -> "deny src 11." + (n >> 8 & 0xff) + "." + (n & 0xff) + ".0/24 dst 192.168.0.0/16";
                case 3 -> "allow proto tcp dst 172." + (16 + (n >> 16 & 0xf)) + "." + (n >> 8 & 0xff) + "." + (n & 0xff) + " dport 1024-65535";
                case 4 -> "deny proto udp src " + host(n << 4) + "/28 sport 53";
                case 5 -> "deny proto tcp src " + host(n) + " dst 192.168." + (n & 0xff) + ".0/24 dport 22";
                case 6 -> "deny proto icmp src 12." + (n >> 4 & 0xff) + "." + ((n & 0xf) << 4) + ".0/20";
                default -> "deny proto tcp src 2001:db8:" + Integer.toHexString(n >> 16 & 0xffff) + ":"
                        + Integer.toHexString(n & 0xffff) + "::/64 dport 80";
            }).append('\n');
        }
        return out.toString();
    }

    static void generate(int size, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> sources = sourceRules(size);
        StringBuilder fw = new StringBuilder();
        StringBuilder ipt = new StringBuilder("*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
        StringBuilder nft = new StringBuilder("table netdev deetune_bench {\n  set deny {\n    type ipv4_addr\n    elements = { ");
        for (int i = 0; i < sources.size(); i++) {
            fw.append("deny proto udp src ").append(sources.get(i)).append('\n');
            ipt.append("-A PREROUTING -s ").append(sources.get(i)).append("/32 -p udp -j DROP\n");
            nft.append(i == 0 ? "" : ", ").append(sources.get(i));
        }
        ipt.append("COMMIT\n");
        nft.append(" }\n  }\n  chain ingress {\n    type filter hook ingress device \"@IFNAME@\" priority -500;\n"
                + "    ip protocol udp ip saddr @deny counter drop\n  }\n}\n");
        Files.writeString(dir.resolve("fw-" + size + ".rules"), fw);
        Files.writeString(dir.resolve("ipt-" + size + ".rules"), ipt);
        Files.writeString(dir.resolve("nft-" + size + ".nft"), nft);
    }

    // ---- in-kernel ----

    private static void inKernel(int[] sizes) {
        int largest = Arrays.stream(sizes).max().orElse(0);
        try (LoadedStage stage = new LoadedStage()) {
            // The first load in a fresh JVM (nothing compiled by the JIT yet), as the first load in Karaf is:
            // read, parse, order, compile, create and fill the tables, switch.
            String text = mixedRules(largest);
            long start = System.nanoTime();
            stage.install(text, Action.ALLOW);
            System.out.printf(Locale.ROOT, "cold_load rules=%d load_ms=%.0f%n", largest, (System.nanoTime() - start) / 1e6);
        }
        double floor;
        try (BpfObject pass = BpfObject.open(FirewallBench.class, "bpf/xdp_pass.bpf.o").load()) {
            floor = nsPerPacket(pass.program("xdp_pass"), Packets.udp(TRAFFIC_SOURCE, 4000, "10.0.0.1", 9, new byte[18]));
        }
        System.out.printf(Locale.ROOT, "floor xdp_pass_ns=%.1f%n", floor);
        try (LoadedStage stage = new LoadedStage()) {
            double empty = nsPerPacket(stage.program, Packets.udp(TRAFFIC_SOURCE, 4000, "10.0.0.1", 9, new byte[18]));
            System.out.printf(Locale.ROOT, "empty rules=0 ns=%.1f%n", empty);
            for (int size : sizes) {
                // Source blocklist shape: one tuple; the packet hits the last rule.
                StringBuilder text = new StringBuilder();
                sourceRules(size).forEach(s -> text.append("deny proto udp src ").append(s).append('\n'));
                double loadMs = load(stage, text.toString());
                byte[] hit = Packets.udp(TRAFFIC_SOURCE, 4000, "10.0.0.1", 9, new byte[18]);
                byte[] miss = Packets.udp("10.251.0.1", 4000, "10.0.0.1", 9, new byte[18]);
                check(stage, hit, TestRunVerdict.DROP);
                check(stage, miss, TestRunVerdict.PASS);
                System.out.printf(Locale.ROOT, "sources rules=%d tuples=%d load_ms=%.0f hit_ns=%.1f miss_ns=%.1f%n", size,
                        stage.tables.installed().v4Tuples(), loadMs, nsPerPacket(stage.program, hit), nsPerPacket(stage.program, miss));

                // Mixed shape: eight tuples; a packet hitting a rule of the first tuple, and one that matches nothing.
                loadMs = load(stage, mixedRules(size));
                byte[] mixedHit = Packets.udp(host(1), 4000, "10.0.0.1", 1001, new byte[18]);
                byte[] mixedMiss = Packets.tcp("13.1.2.3", 4000, "10.0.0.1", 8080, Packets.TCP_SYN, new byte[18]);
                check(stage, mixedHit, TestRunVerdict.DROP);
                check(stage, mixedMiss, TestRunVerdict.PASS);
                System.out.printf(Locale.ROOT, "mixed rules=%d tuples=%d+%d load_ms=%.0f hit_ns=%.1f miss_ns=%.1f%n", size,
                        stage.tables.installed().v4Tuples(), stage.tables.installed().v6Tuples(), loadMs,
                        nsPerPacket(stage.program, mixedHit), nsPerPacket(stage.program, mixedMiss));
            }
        }
    }

    private enum TestRunVerdict { DROP, PASS }

    private static void check(LoadedStage stage, byte[] packet, TestRunVerdict expected) {
        int verdict = stage.verdict(packet);
        int want = expected == TestRunVerdict.DROP ? io.deetune.bpf.TestRunResult.XDP_DROP : io.deetune.bpf.TestRunResult.XDP_PASS;
        if (verdict != want) {
            throw new IllegalStateException("benchmark packet got verdict " + verdict + ", expected " + expected);
        }
    }

    /** Parse + order + compile + install, best of three, in ms. */
    private static double load(LoadedStage stage, String rules) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            stage.install(rules, Action.ALLOW);
            best = Math.min(best, (System.nanoTime() - start) / 1e6);
        }
        return best;
    }

    /** The median of five BPF_PROG_TEST_RUN batches. */
    private static double nsPerPacket(BpfProgram program, byte[] packet) {
        double[] runs = new double[5];
        program.testRun(packet, REPEAT / 10);
        for (int i = 0; i < runs.length; i++) {
            runs[i] = program.testRun(packet, REPEAT).nanosPerRun();
        }
        Arrays.sort(runs);
        return runs[2];
    }

    // ---- attach for the traffic benchmark ----

    /**
     * Loads the stage, the XDP object or with {@code tc} the tc one, with RULES, attaches it to IFNAME in NS (native
     * XDP or tcx ingress) and pins the link at PIN. The tc stage's drops are counted in its deetune_stats map (slot 0),
     * pinned at {@code statsPin} for the script to read with bpftool (XDP drops are in the veth's own statistics).
     */
    private static void attach(boolean tc, String namespace, String ifname, Path rules, Path pin, Path statsPin) throws IOException {
        LoadedStage stage = new LoadedStage(tc ? FirewallStage.TC_OBJECT : FirewallStage.OBJECT);
        stage.install(Files.readString(rules), Action.ALLOW);
        BpfLink link = NetNs.get(namespace, () -> {
            int ifindex = NetNs.ifindexHere(ifname, namespace);
            return tc ? stage.program.attachTcx(ifindex, TcDirection.INGRESS) : stage.program.attachXdp(ifindex, XdpMode.NATIVE);
        });
        link.pin(pin);
        if (statsPin != null) {
            stage.object.map("deetune_stats").pin(statsPin);
        }
        System.out.println("attached " + stage.tables.installed().ruleCount() + " rules to " + ifname + " (" + (tc ? "tcx ingress" : "xdp")
                + ") in " + namespace);
        // Exit without closing: the pinned link keeps the program, and the program its maps.
        System.exit(0);
    }

    /** The TC floor: a tcx ingress program that drops everything, pinned like the stage's link. */
    private static void attachTcDrop(String namespace, String ifname, Path pin) {
        BpfObject object = BpfObject.open(FirewallBench.class, "bpf/tc_drop.bpf.o").load();
        BpfLink link = NetNs.get(namespace, () -> object.program("tc_drop").attachTcx(NetNs.ifindexHere(ifname, namespace), TcDirection.INGRESS));
        link.pin(pin);
        System.exit(0);
    }
}

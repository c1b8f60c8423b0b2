package io.deetune.firewall.internal;

import static io.deetune.bpf.TestRunResult.XDP_DROP;
import static io.deetune.bpf.TestRunResult.XDP_PASS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.testing.Packets;
import io.deetune.firewall.Action;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The real stage, verified and run by the kernel (BPF_PROG_TEST_RUN) over crafted frames. */
class FirewallBpfTest {

    private static LoadedStage stage;

    @BeforeAll
    static void load() {
        stage = new LoadedStage();
    }

    @AfterAll
    static void unload() {
        stage.close();
    }

    @BeforeEach
    void clearBlocklist() {
        stage.blocklist.entries().forEach(e -> stage.blocklist.unblock(Cidr.parse(e.cidr())));
    }

    /** A family's addresses: the packet's source and destination, their /24 or /64, and a prefix they are not in. */
    record Family(String name, String src, String dst, String srcNet, String dstNet, String otherNet, String icmp) {}

    static final Family V4 = new Family("IPv4", "192.0.2.10", "198.51.100.20", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "icmp");
    static final Family V6 = new Family("IPv6", "2001:db8:1::10", "2001:db8:2::20", "2001:db8:1::/64", "2001:db8:2::/64", "2001:db8:3::/64", "icmpv6");

    static byte[] packet(Family f, String proto) {
        return switch (proto) {
            case "tcp" -> Packets.tcp(f.src, 40000, f.dst, 80, Packets.TCP_SYN, new byte[16]);
            case "udp" -> Packets.udp(f.src, 40000, f.dst, 80, new byte[16]);
            default -> Packets.icmpEcho(f.src, f.dst);
        };
    }

    /** Every field, matching and not matching, for each family and protocol: a deny rule alone, default allow. */
    static Stream<Arguments> fieldMatrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Family f : List.of(V4, V6)) {
            for (String proto : List.of("tcp", "udp", "icmp")) {
                String p = proto.equals("icmp") ? f.icmp : proto;
                String other = proto.equals("udp") ? "tcp" : "udp";
                List<Object[]> c = new ArrayList<>();
                c.add(new Object[] {"deny src " + f.srcNet, true});
                c.add(new Object[] {"deny src " + f.src, true});
                c.add(new Object[] {"deny src " + f.otherNet, false});
                c.add(new Object[] {"deny dst " + f.dstNet, true});
                c.add(new Object[] {"deny dst " + f.otherNet, false});
                c.add(new Object[] {"deny dst " + f.srcNet, false});
                c.add(new Object[] {"deny proto " + p, true});
                c.add(new Object[] {"deny proto " + other, false});
                c.add(new Object[] {"deny src " + (f == V4 ? V6.srcNet : V4.srcNet), false});
                c.add(new Object[] {"deny src " + f.srcNet + " dst " + f.dstNet + " proto " + p, true});
                c.add(new Object[] {"deny src " + f.srcNet + " dst " + f.otherNet + " proto " + p, false});
                if (!proto.equals("icmp")) {
                    c.add(new Object[] {"deny proto " + p + " dport 80", true});
                    c.add(new Object[] {"deny proto " + p + " dport 81", false});
                    c.add(new Object[] {"deny proto " + p + " dport 70-90", true});
                    c.add(new Object[] {"deny proto " + p + " dport 81-90", false});
                    c.add(new Object[] {"deny proto " + p + " sport 40000", true});
                    c.add(new Object[] {"deny proto " + p + " sport 40001", false});
                    c.add(new Object[] {"deny proto " + p + " sport 39000-41000", true});
                    c.add(new Object[] {"deny proto " + p + " sport 1-1023", false});
                    c.add(new Object[] {"deny proto " + other + " dport 80", false});
                    c.add(new Object[] {"deny proto " + p + " src " + f.srcNet + " dst " + f.dst + " sport 40000-40010 dport 80", true});
                    c.add(new Object[] {"deny proto " + p + " src " + f.srcNet + " dst " + f.dst + " sport 40000-40010 dport 81", false});
                }
                if (proto.equals("tcp")) {
                    c.add(new Object[] {"deny proto tcp flags syn/syn,ack", true});
                    c.add(new Object[] {"deny proto tcp flags syn", true});
                    c.add(new Object[] {"deny proto tcp flags ack", false});
                    c.add(new Object[] {"deny proto tcp flags none/syn", false});
                    c.add(new Object[] {"deny proto tcp flags none/ack,rst dport 80", true});
                }
                for (Object[] x : c) {
                    cases.add(Arguments.of(f.name + " " + proto, f, proto, x[0], x[1]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {3} -> drop={4}")
    @MethodSource("fieldMatrix")
    void eachFieldMatchesAndMisses(String label, Family family, String proto, String rule, boolean drop) {
        stage.install(rule, Action.ALLOW);
        assertEquals(drop ? XDP_DROP : XDP_PASS, stage.verdict(packet(family, proto)), label + ": " + rule);
        // The same rule as an allow under a deny policy gives the opposite verdict: the action comes from the rule.
        stage.install(rule.replaceFirst("deny", "allow"), Action.DENY);
        assertEquals(drop ? XDP_PASS : XDP_DROP, stage.verdict(packet(family, proto)), label + ": allow variant of " + rule);
    }

    @Test
    void priorityDecidesBetweenOverlappingRules() {
        byte[] packet = packet(V4, "tcp");
        stage.install("deny src 192.0.2.0/24 priority 20\nallow src 192.0.2.10 priority 10", Action.DENY);
        assertEquals(XDP_PASS, stage.verdict(packet));
        stage.install("deny src 192.0.2.0/24 priority 10\nallow src 192.0.2.10 priority 20", Action.DENY);
        assertEquals(XDP_DROP, stage.verdict(packet));
        // Without priorities the first rule in the file wins, as in iptables.
        stage.install("allow proto tcp dport 80\ndeny src 192.0.2.0/24", Action.ALLOW);
        assertEquals(XDP_PASS, stage.verdict(packet));
        stage.install("deny src 192.0.2.0/24\nallow proto tcp dport 80", Action.ALLOW);
        assertEquals(XDP_DROP, stage.verdict(packet));
        // A rule with a priority comes before every rule without one.
        stage.install("deny src 192.0.2.0/24\nallow proto tcp dport 80 priority 5000", Action.ALLOW);
        assertEquals(XDP_PASS, stage.verdict(packet));
    }

    @Test
    void defaultPolicyJudgesWhatNoRuleMatches() {
        stage.install("", Action.DENY);
        assertEquals(XDP_DROP, stage.verdict(packet(V4, "udp")));
        assertEquals(XDP_DROP, stage.verdict(packet(V6, "icmp")));
        stage.install("allow proto udp dport 80", Action.DENY);
        assertEquals(XDP_PASS, stage.verdict(packet(V4, "udp")));
        assertEquals(XDP_PASS, stage.verdict(packet(V6, "udp")));
        assertEquals(XDP_DROP, stage.verdict(Packets.udp(V4.src, 40000, V4.dst, 81, new byte[8])));
        stage.install("", Action.ALLOW);
        assertEquals(XDP_PASS, stage.verdict(packet(V4, "tcp")));
    }

    @Test
    void nonIpFramesAreNotJudged() {
        stage.install("", Action.DENY);
        byte[] arp = new byte[42];
        System.arraycopy(Packets.MAC_B, 0, arp, 0, 6);
        System.arraycopy(Packets.MAC_A, 0, arp, 6, 6);
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertEquals(XDP_PASS, stage.verdict(arp));
    }

    static byte[] fragment4(byte[] frame, int offsetUnits, boolean more) {
        return Frames.fragment4(frame, offsetUnits, more);
    }

    static byte[] fragment6(int offsetUnits, boolean more) {
        return Frames.fragment6(packet(V6, "udp"), offsetUnits, more);
    }

    @Test
    void nonFirstFragmentsMatchOnlyRulesWithoutPortsOrFlags() {
        byte[] first4 = fragment4(packet(V4, "udp"), 0, true);
        byte[] later4 = fragment4(packet(V4, "udp"), 8, false);
        byte[] first6 = fragment6(0, true);
        byte[] later6 = fragment6(8, false);

        stage.install("deny proto udp dport 80", Action.ALLOW);
        assertEquals(XDP_DROP, stage.verdict(first4), "a first fragment carries the ports");
        assertEquals(XDP_PASS, stage.verdict(later4), "a later fragment has no ports: port rules do not match");
        assertEquals(XDP_DROP, stage.verdict(first6));
        assertEquals(XDP_PASS, stage.verdict(later6));

        stage.install("deny proto udp src 192.0.2.0/24\ndeny proto udp src 2001:db8:1::/48", Action.ALLOW);
        assertEquals(XDP_DROP, stage.verdict(later4), "address and protocol rules match later fragments");
        assertEquals(XDP_DROP, stage.verdict(later6));

        stage.install("allow proto udp dport 80", Action.DENY);
        assertEquals(XDP_DROP, stage.verdict(later4), "an unmatched later fragment meets the default policy");
        assertEquals(XDP_PASS, stage.verdict(first4));
    }

    @Test
    void aFullPortRangeMatchesEveryPortButNoNonFirstFragment() {
        byte[] whole4 = packet(V4, "udp");
        byte[] later4 = fragment4(packet(V4, "udp"), 8, false);
        byte[] whole6 = packet(V6, "udp");
        byte[] later6 = fragment6(8, false);
        for (String rule : List.of("deny proto udp dport 0-65535", "deny proto udp sport 0-65535")) {
            stage.install(rule, Action.ALLOW);
            assertEquals(XDP_DROP, stage.verdict(whole4), rule);
            assertEquals(XDP_DROP, stage.verdict(whole6), rule);
            assertEquals(XDP_PASS, stage.verdict(later4), rule + ": a non-first fragment has no ports");
            assertEquals(XDP_PASS, stage.verdict(later6), rule + ": a non-first fragment has no ports");
        }
        stage.install("deny proto udp dport any", Action.ALLOW);
        assertEquals(XDP_DROP, stage.verdict(later4), "no port condition matches non-first fragments");
        assertEquals(XDP_DROP, stage.verdict(later6));
    }

    @Test
    void ipv6ExtensionHeadersAreWalkedToThePorts() {
        stage.install("deny proto udp dport 80", Action.ALLOW);
        for (int type : new int[] {0, 60}) { // hop-by-hop, destination options
            byte[] frame = Packets.withIpv6Extension(packet(V6, "udp"), type, 0, false);
            assertEquals(XDP_DROP, stage.verdict(frame), "extension header " + type);
            assertEquals(XDP_DROP, stage.verdict(Arrays.copyOf(frame, 14 + 40 + 1)), "extension header " + type + " cut");
        }
    }

    /** The frame with these IPv6 extension headers (8 bytes each) between the fixed header and the L4 header, in order. */
    static byte[] withIpv6Extensions(byte[] frame, int... types) {
        byte[] f = frame;
        for (int i = types.length - 1; i >= 0; i--) {
            f = Packets.withIpv6Extension(f, types[i], 0, false);
        }
        return f;
    }

    @Test
    void anIpv6ExtensionChainLongerThanTheWalkerFollowsIsDroppedAsMalformed() {
        byte[] ssh = Packets.tcp(V6.src, 40000, V6.dst, 22, Packets.TCP_SYN, new byte[0]);
        // Hop-by-hop and four destination options: one more than DEETUNE_IPV6_MAX_EXT.
        byte[] longChain = withIpv6Extensions(ssh, 0, 60, 60, 60, 60);
        long malformed = stage.tables.drops(FirewallConsts.DROP_MALFORMED);
        for (String rules : List.of("deny proto tcp dport 22", "deny proto tcp", "")) {
            stage.install(rules, Action.ALLOW);
            assertEquals(XDP_DROP, stage.verdict(longChain), "a chain not walked to its end, rules: " + rules);
        }
        assertEquals(malformed + 3, stage.tables.drops(FirewallConsts.DROP_MALFORMED), "counted as malformed");
        // A non-first fragment carries no L4 header: its walk ends at the fragment header, and it is not malformed.
        stage.install("deny proto tcp dport 22", Action.ALLOW);
        byte[] later = withIpv6Extensions(Packets.withIpv6Extension(ssh, 44, 8, false), 0, 60, 60);
        assertEquals(XDP_PASS, stage.verdict(later), "hop-by-hop, two destination options, a non-first fragment");
    }

    @Test
    void anIpv6ExtensionChainWithinTheWalkersReachIsJudgedByItsProtocolAndPorts() {
        byte[] ssh = withIpv6Extensions(Packets.tcp(V6.src, 40000, V6.dst, 22, Packets.TCP_SYN, new byte[0]), 0, 60, 60, 60);
        byte[] web = withIpv6Extensions(Packets.tcp(V6.src, 40000, V6.dst, 80, Packets.TCP_SYN, new byte[0]), 0, 60, 60, 60);
        stage.install("deny proto tcp dport 22", Action.ALLOW);
        assertEquals(XDP_DROP, stage.verdict(ssh), "hop-by-hop and three destination options, port rule");
        assertEquals(XDP_PASS, stage.verdict(web));
        stage.install("deny proto tcp", Action.ALLOW);
        assertEquals(XDP_DROP, stage.verdict(web), "protocol rule");
        stage.install("allow proto tcp dport 80 flags syn/syn,ack", Action.DENY);
        assertEquals(XDP_PASS, stage.verdict(web), "flags rule");
        assertEquals(XDP_DROP, stage.verdict(ssh));
    }

    @Test
    void headersAreReadWithinTheIpLengthNotFromTheFramesPadding() {
        stage.install("", Action.ALLOW);
        long malformed = stage.tables.drops(FirewallConsts.DROP_MALFORMED);
        List<byte[]> cut = new ArrayList<>();
        for (Family f : List.of(V4, V6)) {
            int ip = f == V4 ? 20 : 40;
            // Whole headers in the frame, but the IP length ends inside them; the frame is padded to 60 bytes or more.
            cut.add(Packets.padded(Packets.withIpLength(packet(f, "udp"), ip + 4), 60));
            cut.add(Packets.padded(Packets.withIpLength(packet(f, "tcp"), ip + 8), 60));
            cut.add(Packets.padded(Packets.withIpLength(packet(f, "tcp"), ip + 19), 60));
            cut.add(Packets.padded(Packets.withIpLength(packet(f, "icmp"), ip + 2), 60));
        }
        // An IPv6 extension header that runs past the payload length, and an IPv4 total length below its header.
        cut.add(Packets.withIpLength(Packets.withIpv6Extension(packet(V6, "udp"), 60, 0, false), 40 + 6));
        cut.add(Packets.padded(Packets.withIpLength(packet(V4, "udp"), 16), 60));
        for (byte[] frame : cut) {
            assertEquals(XDP_DROP, stage.verdict(frame), "IP length " + Packets.getShort(frame, 14 + (Packets.isIpv6(frame) ? 4 : 2)));
        }
        assertEquals(malformed + cut.size(), stage.tables.drops(FirewallConsts.DROP_MALFORMED), "counted as malformed");

        // Padding after a whole datagram is no part of it: such frames are judged by their headers as before.
        stage.install("deny proto udp dport 80", Action.ALLOW);
        for (Family f : List.of(V4, V6)) {
            byte[] small = Packets.udp(f.src, 40000, f.dst, 80, new byte[0]);
            assertEquals(XDP_DROP, stage.verdict(Packets.padded(small, 60)), f.name);
            assertEquals(XDP_PASS, stage.verdict(Packets.padded(Packets.udp(f.src, 40000, f.dst, 81, new byte[0]), 60)), f.name);
        }
        assertEquals(malformed + cut.size(), stage.tables.drops(FirewallConsts.DROP_MALFORMED), "padded frames are not malformed");
    }

    /**
     * RFC 1858's tiny fragment: a TCP SYN whose first fragment's IP length holds only the first 8 bytes of the TCP
     * header (ports and sequence number); the frame's padding past it reads as the rest of an ACK header.
     */
    static byte[] tinyFirstFragment(Family f, int dport) {
        byte[] ack = Packets.tcp(f.src, 40000, f.dst, dport, Packets.TCP_ACK, new byte[0]);
        return f == V4 ? Packets.withIpLength(fragment4(ack, 0, true), 20 + 8)
                : Packets.withIpLength(Frames.fragment6(ack, 0, true), 40 + 8 + 8);
    }

    @Test
    void aFirstFragmentTooShortForItsTcpHeaderIsDroppedAndCountedApart() {
        stage.install("deny proto tcp dport 22 flags syn/syn,ack", Action.ALLOW);
        long tiny = stage.tables.drops(FirewallConsts.DROP_TINY_FRAGMENT);
        for (Family f : List.of(V4, V6)) {
            assertEquals(XDP_DROP, stage.verdict(tinyFirstFragment(f, 22)), f.name + ": tiny first fragment");
            assertEquals(XDP_DROP, stage.verdict(tinyFirstFragment(f, 80)), f.name + ": whatever its port");
            // A first fragment with its whole TCP header is judged by it.
            byte[] syn = Packets.tcp(f.src, 40000, f.dst, 22, Packets.TCP_SYN, new byte[16]);
            byte[] ack = Packets.tcp(f.src, 40000, f.dst, 22, Packets.TCP_ACK, new byte[16]);
            assertEquals(XDP_DROP, stage.verdict(f == V4 ? fragment4(syn, 0, true) : Frames.fragment6(syn, 0, true)), f.name);
            assertEquals(XDP_PASS, stage.verdict(f == V4 ? fragment4(ack, 0, true) : Frames.fragment6(ack, 0, true)), f.name);
        }
        // The overlapping fragment of RFC 1858: a TCP fragment at offset 8 could only rewrite the first one's flags.
        byte[] overlap = fragment4(packet(V4, "tcp"), 1, false);
        assertEquals(XDP_DROP, stage.verdict(overlap), "a TCP fragment at offset 8");
        assertEquals(XDP_PASS, stage.verdict(fragment4(packet(V4, "tcp"), 3, false)), "a later TCP fragment further on");
        assertEquals(XDP_PASS, stage.verdict(fragment4(packet(V4, "udp"), 1, false)), "a UDP fragment at offset 8");
        assertEquals(tiny + 5, stage.tables.drops(FirewallConsts.DROP_TINY_FRAGMENT), "tiny fragments are counted apart");
    }

    @Test
    void truncatedHeadersAreDropped() {
        stage.install("", Action.ALLOW);
        byte[] tcp4 = packet(V4, "tcp");
        byte[] tcp6 = packet(V6, "tcp");
        assertEquals(XDP_DROP, stage.verdict(Arrays.copyOf(tcp4, 14 + 12)), "IPv4 header cut");
        assertEquals(XDP_DROP, stage.verdict(Arrays.copyOf(tcp4, 14 + 20 + 10)), "TCP header cut");
        assertEquals(XDP_DROP, stage.verdict(Arrays.copyOf(packet(V4, "udp"), 14 + 20 + 4)), "UDP header cut");
        assertEquals(XDP_DROP, stage.verdict(Arrays.copyOf(packet(V4, "icmp"), 14 + 20 + 2)), "ICMP header cut");
        assertEquals(XDP_DROP, stage.verdict(Arrays.copyOf(tcp6, 14 + 30)), "IPv6 header cut");
        assertEquals(XDP_DROP, stage.verdict(Arrays.copyOf(tcp6, 14 + 40 + 12)), "TCP over IPv6 cut");
        byte[] ihlTooSmall = tcp4.clone();
        ihlTooSmall[14] = 0x44;
        assertEquals(XDP_DROP, stage.verdict(ihlTooSmall), "IPv4 header length below 20");
        assertEquals(XDP_DROP, stage.verdict(Arrays.copyOf(fragment4(packet(V4, "udp"), 0, true), 14 + 20 + 4)),
                "a first fragment too short for its UDP header (tiny fragment)");
        assertEquals(XDP_DROP, stage.verdict(Arrays.copyOf(fragment6(0, true), 14 + 40 + 4)), "IPv6 fragment header cut");
        long malformed = stage.tables.drops(FirewallConsts.DROP_MALFORMED);
        assertTrue(malformed >= 9, "malformed drops are counted: " + malformed);
        assertEquals(XDP_PASS, stage.verdict(tcp4), "the whole frame passes");
    }

    @Test
    void blocklistIsCheckedFirstAndExpires() throws InterruptedException {
        stage.install("allow src 192.0.2.0/24\nallow src 2001:db8:1::/64", Action.ALLOW);
        stage.blocklist.block(Cidr.parse("192.0.2.0/28"), null);
        stage.blocklist.block(Cidr.parse("2001:db8:1::10"), null);
        assertEquals(XDP_DROP, stage.verdict(packet(V4, "tcp")), "blocked before the allow rule is looked at");
        assertEquals(XDP_DROP, stage.verdict(packet(V6, "udp")));
        assertEquals(XDP_PASS, stage.verdict(Packets.udp("192.0.2.100", 1, V4.dst, 80, new byte[8])), "outside the /28");
        assertEquals(XDP_PASS, stage.verdict(Packets.udp("2001:db8:1::11", 1, V6.dst, 80, new byte[8])));
        List<String> listed = stage.blocklist.entries().stream().map(e -> e.cidr()).sorted().toList();
        assertEquals(List.of("192.0.2.0/28", "2001:db8:1::10/128"), listed);
        assertTrue(stage.blocklist.entries().stream().allMatch(e -> e.packets() == 1), "each entry counted its drop");

        assertTrue(stage.blocklist.unblock(Cidr.parse("192.0.2.0/28")));
        assertFalse(stage.blocklist.unblock(Cidr.parse("192.0.2.0/28")));
        assertEquals(XDP_PASS, stage.verdict(packet(V4, "tcp")));

        stage.blocklist.block(Cidr.parse("192.0.2.10/32"), Duration.ofMillis(200));
        assertEquals(XDP_DROP, stage.verdict(packet(V4, "tcp")));
        Thread.sleep(400);
        assertEquals(XDP_PASS, stage.verdict(packet(V4, "tcp")), "an expired entry no longer blocks");
        assertTrue(stage.blocklist.entries().stream().noneMatch(e -> e.cidr().startsWith("192.0.2.10")), "and is purged");
    }

    /** Waits until the blocks made now with {@code duration} have expired (by the clock both sides read). */
    private static void outlive(Duration duration) throws InterruptedException {
        long until = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() <= until) {
            Thread.sleep(Math.max(1, (until - System.nanoTime()) / 1_000_000 + 1));
        }
    }

    @Test
    void anExpiredLongerPrefixNeverHidesAShorterLiveOne() throws InterruptedException {
        stage.install("", Action.ALLOW);
        byte[] from = Packets.udp("10.1.2.3", 1, V4.dst, 53, new byte[8]);
        byte[] from6 = Packets.udp("2001:db8:1:2::3", 1, V6.dst, 53, new byte[8]);
        Duration shortly = Duration.ofMillis(200);
        // The example: a permanent /8 and a temporary /32 inside it; nested ones expire between purges too.
        stage.blocklist.block(Cidr.parse("10.0.0.0/8"), null);
        stage.blocklist.block(Cidr.parse("10.1.0.0/16"), shortly);
        stage.blocklist.block(Cidr.parse("10.1.2.3"), shortly);
        stage.blocklist.block(Cidr.parse("2001:db8::/32"), null);
        stage.blocklist.block(Cidr.parse("2001:db8:1:2::3"), shortly);
        // And a temporary entry with no live one around it, which must stop blocking.
        stage.blocklist.block(Cidr.parse("192.0.2.0/24"), shortly);
        stage.blocklist.block(Cidr.parse("192.0.2.10"), shortly);
        assertEquals(XDP_DROP, stage.verdict(from));
        assertEquals(XDP_DROP, stage.verdict(from6));
        assertEquals(XDP_DROP, stage.verdict(packet(V4, "udp")));
        outlive(shortly);
        // No purge has run (nothing listed the entries): the expired entries are still the longest matches.
        assertEquals(XDP_DROP, stage.verdict(from), "the permanent /8 still blocks 10.1.2.3");
        assertEquals(XDP_DROP, stage.verdict(from6), "the permanent /32 still blocks 2001:db8:1:2::3");
        assertEquals(XDP_PASS, stage.verdict(packet(V4, "udp")), "expired all the way up: not blocked");
        List<Cidr> covering = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32"));
        assertEquals(List.of(1L, 1L), stage.blocklist.entries().stream().filter(e -> covering.contains(Cidr.parse(e.cidr())))
                .map(e -> e.packets()).toList(), "the covering entries counted the drops made after the longer ones expired");
    }

    @Test
    void theBlocklistLookupIsSkippedOnlyWhileTheBlocklistIsEmpty() {
        stage.blocklist.entries().forEach(e -> stage.blocklist.unblock(Cidr.parse(e.cidr())));
        stage.install("allow proto udp", Action.ALLOW);
        byte[] udp = Packets.udp("198.51.100.7", 1, V4.dst, 53, new byte[8]);
        assertFalse(stage.tables.blocklistInUse());
        assertEquals(XDP_PASS, stage.verdict(udp));

        stage.blocklist.block(Cidr.parse("198.51.100.0/24"), null);
        assertTrue(stage.tables.blocklistInUse());
        assertEquals(XDP_DROP, stage.verdict(udp));
        stage.install("allow proto udp\nallow proto tcp", Action.ALLOW);
        assertTrue(stage.tables.blocklistInUse(), "a new rule set keeps the blocklist in use");
        assertEquals(XDP_DROP, stage.verdict(udp));

        assertTrue(stage.blocklist.unblock(Cidr.parse("198.51.100.0/24")));
        assertFalse(stage.tables.blocklistInUse());
        assertEquals(XDP_PASS, stage.verdict(udp));
    }

    @Test
    void countersCountEachRuleAndTheDefault() {
        stage.install("deny proto udp dport 80\nallow proto tcp", Action.ALLOW);
        byte[] udp = packet(V4, "udp");
        for (int i = 0; i < 3; i++) {
            stage.verdict(udp);
        }
        stage.verdict(packet(V6, "tcp"));
        stage.verdict(packet(V4, "icmp"));
        stage.verdict(packet(V6, "icmp"));
        List<RuleCounter> counters = stage.tables.counters();
        assertEquals(3, counters.size());
        assertEquals(3, counters.get(0).packets());
        assertEquals(3L * udp.length, counters.get(0).bytes());
        assertTrue(counters.get(0).lastHitNanos() > 0 && counters.get(0).lastHitNanos() <= System.nanoTime());
        assertEquals(1, counters.get(1).packets());
        assertEquals(2, counters.get(2).packets(), "the default policy");
    }

    @Test
    void everyInstallIsANewGenerationInTheOtherBank() {
        stage.install("deny proto udp", Action.ALLOW);
        long generation = stage.tables.generation();
        int bank = stage.tables.activeBank();
        stage.install("allow proto udp", Action.DENY);
        assertEquals(generation + 1, stage.tables.generation());
        assertEquals(1 - bank, stage.tables.activeBank());
        assertEquals(XDP_PASS, stage.verdict(packet(V4, "udp")));
        assertEquals(XDP_DROP, stage.verdict(packet(V4, "tcp")));
    }

    @Test
    void hundredThousandRulesJudgeCorrectly() {
        StringBuilder rules = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            rules.append("deny proto udp src 10.").append(i >> 16).append('.').append((i >> 8) & 0xff).append('.')
                    .append(i & 0xff).append(" dport ").append(1000 + i % 50).append('\n');
        }
        rules.append("allow proto udp dport 1000-1100\n");
        stage.install(rules.toString(), Action.DENY);
        assertEquals(XDP_DROP, stage.verdict(Packets.udp("10.1.134.159", 5, V4.dst, 1000 + 99_999 % 50, new byte[8])));
        assertEquals(XDP_PASS, stage.verdict(Packets.udp("10.1.134.159", 5, V4.dst, 1001 + 99_999 % 50, new byte[8])));
        assertEquals(XDP_DROP, stage.verdict(Packets.udp("10.0.0.0", 5, V4.dst, 1000, new byte[8])));
        assertEquals(XDP_PASS, stage.verdict(Packets.udp("10.2.0.0", 5, V4.dst, 1000, new byte[8])));
        assertEquals(XDP_DROP, stage.verdict(Packets.udp("10.2.0.0", 5, V4.dst, 2000, new byte[8])));
    }

    @Test
    void tooManyRuleShapesAreRefusedAndNothingChanges() {
        stage.install("deny proto udp", Action.ALLOW);
        long generation = stage.tables.generation();
        StringBuilder rules = new StringBuilder();
        for (int i = 0; i < FirewallConsts.MAX_TUPLES + 1; i++) {
            rules.append("deny proto tcp dport ").append(i + 1).append('-').append(i + 100).append('\n');
        }
        RuleException e = org.junit.jupiter.api.Assertions.assertThrows(RuleException.class,
                () -> stage.install(rules.toString(), Action.ALLOW));
        assertTrue(e.getMessage().contains("distinct IPv4 rule shapes"), e.getMessage());
        assertEquals(generation, stage.tables.generation());
        assertEquals(XDP_DROP, stage.verdict(packet(V4, "udp")));
    }
}

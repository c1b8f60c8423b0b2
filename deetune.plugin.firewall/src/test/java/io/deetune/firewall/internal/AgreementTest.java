package io.deetune.firewall.internal;

import static io.deetune.bpf.TestRunResult.XDP_DROP;
import static io.deetune.bpf.TestRunResult.XDP_PASS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.firewall.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random rule sets and random packets: the compiled tables in the kernel and the plain reference matcher must agree
 * on every packet, both on the action and on which rule decided (checked through the per-rule counters).
 */
class AgreementTest {

    private static final long SEED = Long.getLong("firewall.agreement.seed", 20261125L);
    private static final int ROUNDS = 40;
    private static final int RULES = 150;
    private static final int PACKETS = 600;

    private static LoadedStage stage;

    @BeforeAll
    static void load() {
        stage = new LoadedStage();
    }

    @AfterAll
    static void unload() {
        stage.close();
    }

    private static final String[] NETS4 = {"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3", "10.2.0.0/16", "10.1.2.128/25", "0.0.0.0/0"};
    private static final String[] NETS6 = {"2001:db8::/32", "2001:db8:1::/48", "2001:db8:1:2::/64", "2001:db8:1:2::3", "2001:db8:2::/48", "::/0"};
    private static final String[] PORTS = {"53", "80", "443", "1-1023", "1024-65535", "50-100", "8000-8100", "0-65535"};
    private static final String[] FLAGS = {"syn/syn,ack", "ack", "none/rst", "syn,ack", "fin/fin"};
    private static final int[] PACKET_PORTS = {53, 80, 443, 50, 100, 1023, 1024, 8050, 40000, 65535, 0};

    @Test
    void bpfAndReferenceAgreeOnRandomRuleSetsAndPackets() {
        Random random = new Random(SEED);
        int packets = 0;
        int drops = 0;
        for (int r0 = 0; r0 < ROUNDS; r0++) {
            int round = r0;
            RuleSet set = randomRuleSet(random);
            stage.tables.install(RuleCompiler.compile(set));
            ReferenceMatcher reference = new ReferenceMatcher(set);
            long[] expectedHits = new long[set.rules().size() + 1];
            for (int i = 0; i < PACKETS; i++) {
                PacketFields packet = randomPacket(random);
                Optional<Integer> rank = reference.match(packet);
                Action expected = reference.decide(packet);
                int verdict = stage.verdict(Frames.of(packet));
                assertEquals(expected == Action.DENY ? XDP_DROP : XDP_PASS, verdict,
                        () -> "seed " + SEED + " round " + round + ": " + describe(packet) + " expected " + expected
                                + " by " + rank.map(r -> set.rules().get(r).toSyntax()).orElse("the default policy"));
                expectedHits[rank.orElse(set.rules().size())]++;
                packets++;
                drops += verdict == XDP_DROP ? 1 : 0;
            }
            List<RuleCounter> counters = stage.tables.counters();
            for (int r = 0; r < expectedHits.length; r++) {
                assertEquals(expectedHits[r], counters.get(r).packets(), "seed " + SEED + " round " + round
                        + ": hits of " + (r < set.rules().size() ? set.rules().get(r).toSyntax() : "the default policy"));
            }
        }
        // The sample must exercise both outcomes, or agreement means little.
        assertTrue(drops > packets / 10 && drops < packets * 9 / 10, drops + " drops of " + packets);
    }

    private static RuleSet randomRuleSet(Random random) {
        List<Rule> rules = new ArrayList<>();
        while (rules.size() < RULES) {
            String text = randomRule(random);
            Rule rule = RuleParser.parseLine(text, "random:" + (rules.size() + 1));
            List<Rule> candidate = new ArrayList<>(rules);
            candidate.add(rule);
            try {
                RuleSet.of(candidate, Action.ALLOW); // skip rules that would make equal priorities ambiguous
                rules.add(rule);
            } catch (RuleException e) {
                // draw again
            }
        }
        return RuleSet.of(rules, random.nextBoolean() ? Action.ALLOW : Action.DENY);
    }

    private static String randomRule(Random random) {
        boolean v6 = random.nextInt(3) == 0;
        StringBuilder r = new StringBuilder(random.nextBoolean() ? "allow" : "deny");
        if (random.nextInt(3) == 0) {
            r.append(" priority ").append(random.nextInt(40));
        }
        String[] nets = v6 ? NETS6 : NETS4;
        if (random.nextInt(4) != 0) {
            r.append(" src ").append(nets[random.nextInt(nets.length)]);
        }
        if (random.nextInt(3) == 0) {
            r.append(" dst ").append(nets[random.nextInt(nets.length)]);
        }
        int proto = random.nextInt(5);
        if (proto == 1 || proto == 2) {
            r.append(proto == 1 ? " proto tcp" : " proto udp");
            if (random.nextBoolean()) {
                r.append(" dport ").append(PORTS[random.nextInt(PORTS.length)]);
            }
            if (random.nextInt(4) == 0) {
                r.append(" sport ").append(PORTS[random.nextInt(PORTS.length)]);
            }
            if (proto == 1 && random.nextInt(3) == 0) {
                r.append(" flags ").append(FLAGS[random.nextInt(FLAGS.length)]);
            }
        } else if (proto == 3) {
            r.append(v6 ? " proto icmpv6" : " proto icmp");
        }
        return r.toString();
    }

    private static PacketFields randomPacket(Random random) {
        boolean v6 = random.nextInt(3) == 0;
        byte[] src = randomAddress(random, v6);
        byte[] dst = randomAddress(random, v6);
        int protocol = switch (random.nextInt(3)) {
            case 0 -> Protocols.TCP;
            case 1 -> Protocols.UDP;
            default -> v6 ? Protocols.ICMPV6 : Protocols.ICMP;
        };
        boolean fragment = protocol != Protocols.TCP && random.nextInt(8) == 0 || protocol == Protocols.TCP && random.nextInt(12) == 0;
        if (fragment) {
            return new PacketFields(src, dst, protocol, 0, 0, 0, false);
        }
        boolean ports = Protocols.hasPorts(protocol);
        int sport = ports ? PACKET_PORTS[random.nextInt(PACKET_PORTS.length)] : 0;
        int dport = ports ? PACKET_PORTS[random.nextInt(PACKET_PORTS.length)] : 0;
        int flags = protocol == Protocols.TCP ? random.nextInt(256) : 0;
        return new PacketFields(src, dst, protocol, sport, dport, flags, true);
    }

    /** Addresses around the prefixes of the rules: inside, at their edges, and outside. */
    private static byte[] randomAddress(Random random, boolean v6) {
        if (v6) {
            byte[] a = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, (byte) random.nextInt(4), 0, (byte) random.nextInt(4), 0, 0, 0, 0, 0, 0, 0, (byte) random.nextInt(5)};
            if (random.nextInt(10) == 0) {
                a[0] = 0x30;
            }
            return a;
        }
        return new byte[] {(byte) (random.nextInt(8) == 0 ? 11 : 10), (byte) random.nextInt(4), (byte) random.nextInt(4),
                (byte) (random.nextBoolean() ? random.nextInt(5) : 126 + random.nextInt(5))};
    }

    private static String describe(PacketFields p) {
        return Protocols.name(p.protocol()) + " " + Cidr.of(p.source(), p.source().length * 8) + ":" + p.sourcePort()
                + " -> " + Cidr.of(p.destination(), p.destination().length * 8) + ":" + p.destinationPort()
                + " flags=0x" + Integer.toHexString(p.tcpFlags()) + (p.l4Known() ? "" : " (non-first fragment)");
    }
}

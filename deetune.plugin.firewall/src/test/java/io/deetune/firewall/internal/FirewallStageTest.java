package io.deetune.firewall.internal;

import static io.deetune.bpf.TestRunResult.XDP_DROP;
import static io.deetune.bpf.TestRunResult.XDP_PASS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.testing.Packets;
import io.deetune.firewall.Action;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage component with its real object: configuration, live reload, commands' operations, the Blocklist service. */
class FirewallStageTest {

    @TempDir
    Path dir;

    static FirewallConfig config(Path rules, String policy) {
        return FirewallConfigs.of(rules, policy, "xdp");
    }

    static final byte[] SSH = Packets.tcp("192.0.2.10", 40000, "198.51.100.20", 22, Packets.TCP_SYN, new byte[0]);
    static final byte[] DNS = Packets.udp("192.0.2.10", 40000, "198.51.100.20", 53, new byte[8]);
    static final byte[] WEB6 = Packets.tcp("2001:db8:1::10", 40000, "2001:db8:2::20", 443, Packets.TCP_SYN, new byte[0]);

    @Test
    void rulesFileIsAppliedAndReloadedLiveAndABadFileChangesNothing() throws Exception {
        Path rules = dir.resolve("firewall.rules");
        Files.writeString(rules, "deny proto tcp dport 22\n");
        FirewallStage firewall = new FirewallStage(config(rules, "allow"));
        try (LoadedStage stage = new LoadedStage()) {
            firewall.loaded(stage.maps);
            assertEquals(XDP_DROP, stage.verdict(SSH));
            assertEquals(XDP_PASS, stage.verdict(DNS));

            Files.writeString(rules, "deny proto tcp dport 22\ndeny proto udp dport 99999\n");
            touch(rules);
            await(() -> firewall.lastError() != null);
            assertTrue(firewall.lastError().contains("firewall.rules:2: dport: port 99999 is out of 0-65535"), firewall.lastError());
            assertEquals(XDP_DROP, stage.verdict(SSH), "the rule set in force stays");

            Files.writeString(rules, "deny proto udp dport 53\n");
            touch(rules);
            await(() -> firewall.ruleSet().rules().size() == 1 && firewall.ruleSet().rules().getFirst().protocol() == Protocols.UDP);
            assertNull(firewall.lastError());
            assertEquals(XDP_PASS, stage.verdict(SSH));
            assertEquals(XDP_DROP, stage.verdict(DNS));

            firewall.modified(config(rules, "deny"));
            assertEquals(XDP_DROP, stage.verdict(WEB6), "default policy from the configuration");
            firewall.modified(config(rules, "maybe"));
            assertTrue(firewall.lastError().contains("unknown action 'maybe'"));
            assertEquals(Action.DENY, firewall.policy());
            firewall.unloading(stage.maps);
        } finally {
            firewall.deactivate();
        }
    }

    @Test
    void commandRulesComeAfterFileRulesAndBadOnesApplyNothing() throws Exception {
        FirewallStage firewall = new FirewallStage(config(null, "allow"));
        try (LoadedStage stage = new LoadedStage()) {
            firewall.loaded(stage.maps);
            int first = firewall.addRule("deny proto tcp dport 22");
            assertEquals(XDP_DROP, stage.verdict(SSH));
            long generation = stage.tables.generation();
            RuleException e = assertThrows(RuleException.class, () -> firewall.addRule("deny proto tcp dport 22-10"));
            assertTrue(e.getMessage().startsWith("command #2: dport: "), e.getMessage());
            assertEquals(generation, stage.tables.generation(), "nothing installed");
            int second = firewall.addRule("allow proto tcp dport 22 src 192.0.2.0/24 priority 1");
            assertEquals(XDP_PASS, stage.verdict(SSH), "an explicit priority goes first");
            assertTrue(firewall.removeRule(second));
            assertEquals(XDP_DROP, stage.verdict(SSH));
            assertTrue(firewall.removeRule(first));
            assertEquals(false, firewall.removeRule(first));
            assertEquals(XDP_PASS, stage.verdict(SSH));
            firewall.policy(Action.DENY);
            assertEquals(XDP_DROP, stage.verdict(DNS));
            firewall.unloading(stage.maps);
        } finally {
            firewall.deactivate();
        }
    }

    @Test
    void blocklistServiceBlocksBeforeAndAfterLoad() throws Exception {
        FirewallStage firewall = new FirewallStage(config(null, "allow"));
        try (LoadedStage stage = new LoadedStage()) {
            firewall.block("192.0.2.0/24");
            assertThrows(IllegalArgumentException.class, () -> firewall.block("192.0.2.0/99"));
            assertThrows(IllegalArgumentException.class, () -> firewall.block("192.0.2.1", Duration.ZERO));
            firewall.loaded(stage.maps);
            assertEquals(XDP_DROP, stage.verdict(DNS), "a block made before load applies on load");
            firewall.block("2001:db8:1::/48", Duration.ofMinutes(5));
            assertEquals(XDP_DROP, stage.verdict(WEB6));
            var entry = firewall.entries().stream().filter(x -> x.cidr().startsWith("2001")).findFirst().orElseThrow();
            assertTrue(entry.expiresAt().orElseThrow().isAfter(Instant.now().plusSeconds(200)));
            assertTrue(firewall.unblock("192.0.2.0/24"));
            assertEquals(XDP_PASS, stage.verdict(DNS));
            firewall.unloading(stage.maps);
        } finally {
            firewall.deactivate();
        }
    }

    @Test
    void expiredBlocksArePurgedOnATimerWithoutAnyoneListingThem() throws Exception {
        FirewallStage firewall = new FirewallStage(config(null, "allow"));
        try (LoadedStage stage = new LoadedStage()) {
            firewall.loaded(stage.maps);
            var trie = stage.maps.map("fw_blocklist");
            firewall.block("198.51.100.0/24");
            firewall.block("192.0.2.10", Duration.ofMillis(100));
            firewall.block("2001:db8:1::/48", Duration.ofMillis(100));
            assertEquals(3, trie.keys().size());
            // Only the timer can remove them: nothing here lists the entries (listing purges too).
            await(() -> trie.keys().size() == 1);
            assertEquals(Cidr.parse("198.51.100.0/24"), BlocklistTable.cidr(trie.keys().getFirst()));
            assertTrue(stage.tables.blocklistInUse(), "a permanent entry is left");
            assertTrue(firewall.unblock("198.51.100.0/24"));

            firewall.block("203.0.113.0/24", Duration.ofMillis(100));
            assertTrue(stage.tables.blocklistInUse());
            await(() -> !stage.tables.blocklistInUse());
            assertTrue(trie.isEmpty(), "the last entry purged, the stage skips the lookup again");
            firewall.unloading(stage.maps);
        } finally {
            firewall.deactivate();
        }
    }

    private static void touch(Path file) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(1)));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(condition.getAsBoolean(), "condition not reached within 10 s");
    }
}

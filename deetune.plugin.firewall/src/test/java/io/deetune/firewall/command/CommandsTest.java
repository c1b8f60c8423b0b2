package io.deetune.firewall.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.deetune.bpf.testing.Packets;
import io.deetune.bpf.testing.StandardOutput;
import io.deetune.firewall.internal.FirewallConfigs;
import io.deetune.firewall.internal.FirewallStage;
import io.deetune.firewall.internal.LoadedStage;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The firewall: commands against the real stage component, before and after its real object is loaded (counters
 * from BPF_PROG_TEST_RUN): every line they print, and their errors.
 */
class CommandsTest {

    static final byte[] SSH = Packets.tcp("192.0.2.10", 40000, "198.51.100.20", 22, Packets.TCP_SYN, new byte[0]);
    static final byte[] DNS = Packets.udp("192.0.2.10", 40000, "198.51.100.20", 53, new byte[8]);

    @TempDir
    Path dir;

    private FirewallStage firewall;
    private LoadedStage stage;

    @BeforeEach
    void setUp() throws Exception {
        Path rules = dir.resolve("firewall.rules");
        Files.writeString(rules, "allow proto udp dport 53\n");
        firewall = new FirewallStage(FirewallConfigs.of(rules, "allow", "xdp"));
    }

    @AfterEach
    void tearDown() {
        if (stage != null) {
            firewall.unloading(stage.maps);
            stage.close();
        }
        firewall.deactivate();
    }

    /** Loads the real object and hands its maps to the stage, as the core does. */
    private void load() {
        stage = new LoadedStage();
        firewall.loaded(stage.maps);
    }

    private void send(byte[] frame, int times) {
        for (int i = 0; i < times; i++) {
            stage.verdict(frame);
        }
    }

    private String ruleAdd(String... words) throws Exception {
        RuleAddCommand add = new RuleAddCommand();
        add.firewall = firewall;
        add.words = List.of(words);
        return StandardOutput.of(add::execute);
    }

    private String ruleRemove(int number) throws Exception {
        RuleRemoveCommand remove = new RuleRemoveCommand();
        remove.firewall = firewall;
        remove.number = number;
        return StandardOutput.of(remove::execute);
    }

    private String ruleList() throws Exception {
        RuleListCommand list = new RuleListCommand();
        list.firewall = firewall;
        return StandardOutput.of(list::execute);
    }

    private String stats() throws Exception {
        StatsCommand stats = new StatsCommand();
        stats.firewall = firewall;
        // The last hit is a few seconds ago at most, depending on the machine: not part of what is compared.
        return StandardOutput.of(stats::execute).replaceAll("\\d+ s ago", "N s ago");
    }

    private String policy(String policy, ConfigurationAdmin configurationAdmin) throws Exception {
        PolicyCommand command = new PolicyCommand();
        command.firewall = firewall;
        command.configurationAdmin = configurationAdmin;
        command.policy = policy;
        return StandardOutput.of(command::execute);
    }

    @Test
    void rulesAndCountersAsPrintedBeforeAndAfterTheStageIsLoaded() throws Exception {
        assertEquals("rule #1 added\n", ruleAdd("deny", "proto", "tcp", "dport", "22"));
        assertEquals("rule #2 added\n", ruleAdd("deny", "priority", "5", "src", "203.0.113.0/24"));
        assertEquals("""
                # | Origin           | Rule                               | Packets | Bytes
                --+------------------+------------------------------------+---------+------
                1 | command #2       | deny priority 5 src 203.0.113.0/24 |       - |     -
                2 | firewall.rules:1 | allow proto udp dport 53           |       - |     -
                3 | command #1       | deny proto tcp dport 22            |       - |     -
                  | policy           | default allow                      |       - |     -
                """, ruleList());
        assertEquals("the firewall stage is not loaded into any pipeline yet\n", stats());

        load();
        send(SSH, 3);
        send(DNS, 2);
        send(Packets.icmpEcho("192.0.2.10", "198.51.100.20"), 1);
        assertEquals("""
                # | Origin           | Rule                               | Packets | Bytes
                --+------------------+------------------------------------+---------+------
                1 | command #2       | deny priority 5 src 203.0.113.0/24 |       0 |     0
                2 | firewall.rules:1 | allow proto udp dport 53           |       2 |   100
                3 | command #1       | deny proto tcp dport 22            |       3 |   162
                  | policy           | default allow                      |       1 |    42
                """, ruleList());
        assertEquals("""
                # | Rule                               | Packets | Bytes | Last hit
                --+------------------------------------+---------+-------+---------
                3 | deny proto tcp dport 22            |       3 |   162 |  N s ago
                2 | allow proto udp dport 53           |       2 |   100 |  N s ago
                  | default allow                      |       1 |    42 |  N s ago
                1 | deny priority 5 src 203.0.113.0/24 |       0 |     0 |    never
                dropped as malformed: 0, by the blocklist: 0, as tiny fragments: 0
                """, stats());

        assertEquals("rule #2 removed\n", ruleRemove(2));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> ruleRemove(2));
        assertEquals("no rule #2 added by command (numbers: [1]); rules from the rules file are changed in the file",
                unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ruleAdd("deny", "proto", "udp", "dport", "70000"));
        assertEquals("command #3: dport: port 70000 is out of 0-65535", bad.getMessage());
        assertEquals("""
                # | Origin           | Rule                     | Packets | Bytes
                --+------------------+--------------------------+---------+------
                1 | firewall.rules:1 | allow proto udp dport 53 |       0 |     0
                2 | command #1       | deny proto tcp dport 22  |       0 |     0
                  | policy           | default allow            |       0 |     0
                """, ruleList());
    }

    @Test
    void policyIsShownSetAndWrittenToTheConfiguration() throws Exception {
        AtomicReference<Dictionary<String, Object>> written = new AtomicReference<>();
        Configuration configuration = (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Configuration.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperties" -> written.get();
                    case "update" -> {
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> properties = (Dictionary<String, Object>) args[0];
                        written.set(properties);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        List<String> pids = new ArrayList<>();
        ConfigurationAdmin configurationAdmin = (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConfiguration") && args.length == 2 && "?".equals(args[1])) {
                        pids.add((String) args[0]);
                        return configuration;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });

        assertEquals("default policy: allow\n", policy(null, configurationAdmin));
        assertEquals("default policy: deny\n", policy("DROP", configurationAdmin));
        assertEquals(List.of("io.deetune.firewall"), pids);
        assertEquals("deny", written.get().get("default.policy"));
        assertEquals("default policy: deny\n", policy(null, configurationAdmin));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> policy("maybe", configurationAdmin));
        assertEquals("unknown action 'maybe' (expected allow or deny)", bad.getMessage());
    }

    @Test
    void aRefusedConfigurationIsShownUnderTheRules() throws Exception {
        firewall.deactivate();
        firewall = new FirewallStage(FirewallConfigs.of(null, "maybe", "xdp"));
        assertEquals("""
                # | Origin | Rule          | Packets | Bytes
                --+--------+---------------+---------+------
                  | policy | default allow |       - |     -
                Last change refused (the rules above stay in force): io.deetune.firewall: default.policy: unknown action 'maybe' (expected allow or deny)
                """, ruleList());
    }
}

package io.deetune.firewall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.firewall.Action;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rules syntax: what it accepts, and errors that name the line and the field. */
class RuleParserTest {

    @Test
    void ipv6AddressesAreListedInTheirCompressedFormAndFlagsNoneReadsBack() {
        Rule rule = RuleParser.parseLine("deny src fd00:0:0:0:0:0:0:1 dst 2001:db8:0:0:1:0:0:0/96 proto tcp flags none/ack", "r:1");
        assertEquals("fd00::1/128", rule.source().toString());
        assertEquals("2001:db8:0:0:1::/96", rule.destination().toString(), "the longest zero run is the one shortened");
        assertTrue(rule.toSyntax().contains("flags none/ack"), rule.toSyntax());
        assertEquals(rule, RuleParser.parseLine(rule.toSyntax(), "r:1"), "the listed syntax reads back");
        assertEquals("::/0", Cidr.parse("::/0").toString());
        assertEquals("::1/128", Cidr.parse("::1").toString());
        assertEquals("1:0:0:1::/64", Cidr.parse("1:0:0:1:0:0:0:0/64").toString(), "of equal runs, the later is longer");
        assertEquals("fe80::1:0:0:1/128", Cidr.parse("fe80:0:0:0:1:0:0:1").toString(), "of equal runs, the first");
    }

    @Test
    void readsEveryFieldInAnyOrder() {
        Rule rule = RuleParser.parseLine("deny dport 22 proto tcp src 10.0.0.0/8 dst 192.168.1.7 sport 1024-65535 flags syn/syn,ack priority 10 # ssh",
                "r:1");
        assertEquals(Action.DENY, rule.action());
        assertEquals(10, rule.priority());
        assertEquals("10.0.0.0/8", rule.source().toString());
        assertEquals("192.168.1.7/32", rule.destination().toString());
        assertEquals(Protocols.TCP, rule.protocol());
        assertEquals(new PortRange(1024, 65535), rule.sourcePort());
        assertEquals(new PortRange(22, 22), rule.destinationPort());
        assertEquals(new TcpFlags(0x02, 0x12), rule.tcpFlags());
        assertEquals(4, rule.family());
        assertEquals(rule, RuleParser.parseLine(rule.toSyntax(), "r:1"), "the canonical syntax reads back");
    }

    @Test
    void aFullPortRangeIsAConditionOnThePortsAndIsListedAsWritten() {
        Rule full = RuleParser.parseLine("deny proto tcp dport 0-65535 sport 0-65535", "r:1");
        Rule none = RuleParser.parseLine("deny proto tcp dport any", "r:1");
        assertEquals("deny proto tcp sport 0-65535 dport 0-65535", full.toSyntax());
        assertEquals("deny proto tcp", none.toSyntax());
        assertTrue(full.needsL4(), "a written range needs the ports a non-first fragment lacks");
        assertFalse(none.needsL4());
        assertNotEquals(none, full);
        assertEquals(full, RuleParser.parseLine(full.toSyntax(), "r:1"), "the listing reads back to the same rule");
        RuleException e = assertThrows(RuleException.class, () -> RuleParser.parse("deny proto icmp dport 0-65535", "fw.rules"));
        assertTrue(e.getMessage().contains("dport: ports need proto tcp or udp"), e.getMessage());
    }

    @Test
    void acceptsIptablesAndNftablesWords() {
        Rule rule = RuleParser.parseLine("drop saddr 2001:db8::/32 daddr 2001:db8:1::1 protocol ipv6-icmp", "r:1");
        assertEquals(Action.DENY, rule.action());
        assertEquals(6, rule.family());
        assertEquals(Protocols.ICMPV6, rule.protocol());
        assertEquals(Action.ALLOW, RuleParser.parseLine("accept", "r:2").action());
        assertNull(RuleParser.parseLine("   # only a comment", "r:3"));
        assertEquals(0, RuleParser.parseLine("allow proto udp", "r:4").family(), "no address: both families");
        assertEquals("10.1.0.0/16", Cidr.parse("10.1.2.3/16").toString(), "host bits are cleared");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "deny src 10.0.0.300/24                    | src      | bad IPv4 address",
        "deny src 10.0.0.0/33                      | src      | bad prefix length",
        "deny dst 2001:db8::/129                   | dst      | bad prefix length",
        "deny dst example.com                      | dst      | not an IPv4 or IPv6 address",
        "deny proto tcp dport 70000                | dport    | port 70000 is out of 0-65535",
        "deny proto tcp sport 100-50               | sport    | low > high",
        "deny proto sctpx                          | proto    | unknown protocol 'sctpx'",
        "deny proto 256                            | proto    | unknown protocol",
        "reject src 10.0.0.0/8                     | action   | unknown action 'reject'",
        "deny src 10.0.0.0/8 port 22               | port     | unknown keyword 'port'",
        "deny src                                  | src      | needs a value",
        "deny src 10.0.0.1 src 10.0.0.2            | src      | given twice",
        "deny dport 22                             | dport    | ports need proto tcp or udp",
        "deny proto icmp sport 7                   | sport    | ports need proto tcp or udp",
        "deny proto udp flags syn                  | flags    | TCP flags need proto tcp",
        "deny proto tcp flags syn/ack              | flags    | must also be after",
        "deny proto tcp flags syn/psh,bogus        | flags    | unknown TCP flag 'bogus'",
        "deny src 10.0.0.0/8 dst 2001:db8::1       | dst      | src is IPv4 but dst is IPv6",
        "deny proto icmp src 2001:db8::/32         | proto    | icmp is IPv4 only",
        "deny proto icmpv6 dst 10.0.0.1            | proto    | icmpv6 is IPv6 only",
        "deny priority -3                          | priority | not a number",
    })
    void badInputNamesLineAndField(String line, String field, String message) {
        RuleException e = assertThrows(RuleException.class, () -> RuleParser.parse("allow proto tcp dport 80\n" + line, "fw.rules"));
        assertTrue(e.getMessage().startsWith("fw.rules:2: " + field + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void aRuleIsOneLineOfPrintableText() {
        // rule-add takes the rule as words: a line break inside it would read as one rule and show as two.
        RuleException e = assertThrows(RuleException.class,
                () -> RuleParser.parseLine("deny proto tcp dport 22\nallow src 10.0.0.0/8", "command #1"));
        assertEquals(List.of("command #1: rule: control character U+000A at column 24 in 'deny proto tcp dport 22\\nallow src 10.0.0.0/8'"),
                e.problems());
        assertThrows(RuleException.class, () -> RuleParser.parseLine("deny src 10.0.0.1\u001b[2J", "command #2"));
        assertThrows(RuleException.class, () -> RuleParser.parseLine("deny\rsrc 10.0.0.1", "command #3"));
        assertEquals(Action.DENY, RuleParser.parseLine("deny\tproto tcp", "r:1").action(), "tabs are blanks");
        assertEquals(2, RuleParser.parse("deny proto tcp\r\nallow proto udp\r\n", "crlf.rules").size(), "CRLF files read as lines");
    }

    @Test
    void everyBadLineIsReportedAtOnce() {
        RuleException e = assertThrows(RuleException.class,
                () -> RuleParser.parse("deny src 300.0.0.1\nallow proto udp\ndeny proto tcp dport 99999\n", "fw.rules"));
        assertEquals(2, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("fw.rules:1: src:"));
        assertTrue(e.problems().get(1).startsWith("fw.rules:3: dport:"));
    }

    @Test
    void equalPrioritiesAreRefusedOnlyWhenAmbiguous() {
        RuleException e = assertThrows(RuleException.class, () -> RuleSet.of(RuleParser.parse(
                "deny src 10.0.0.0/8 priority 5\nallow proto tcp dport 22 priority 5", "fw.rules"), Action.ALLOW));
        assertTrue(e.getMessage().startsWith("fw.rules:2: priority: priority 5 is also the priority of fw.rules:1"), e.getMessage());
        // Same action, or no packet in common: the order does not matter, so it is accepted.
        RuleSet.of(RuleParser.parse("deny src 10.0.0.0/8 priority 5\ndeny proto tcp dport 22 priority 5", "a"), Action.ALLOW);
        RuleSet.of(RuleParser.parse("deny src 10.0.0.0/8 priority 5\nallow src 11.0.0.0/8 priority 5", "b"), Action.ALLOW);
        RuleSet.of(RuleParser.parse("deny src 10.0.0.0/8 priority 5\nallow src 2001:db8::/32 priority 5", "c"), Action.ALLOW);
        RuleSet.of(RuleParser.parse("deny proto tcp dport 1-100 priority 5\nallow proto tcp dport 101-200 priority 5", "d"), Action.ALLOW);
        RuleSet.of(RuleParser.parse("deny proto tcp flags syn/syn,ack priority 5\nallow proto tcp flags ack priority 5", "e"), Action.ALLOW);
    }

    @Test
    void rankOrderIsPriorityThenGivenOrder() {
        RuleSet set = RuleSet.of(RuleParser.parse("deny proto udp\nallow src 10.0.0.1 priority 7\ndeny src 10.0.0.2 priority 3\nallow proto tcp", "f"),
                Action.DENY);
        assertEquals(List.of("f:3", "f:2", "f:1", "f:4"), set.rules().stream().map(Rule::origin).toList());
    }
}

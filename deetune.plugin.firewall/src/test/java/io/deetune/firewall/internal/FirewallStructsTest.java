package io.deetune.firewall.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.deetune.bpf.BpfException;
import io.deetune.bpf.BpfMap;
import io.deetune.bpf.BpfObject;
import io.deetune.bpf.Btf;
import io.deetune.bpf.Codec;
import io.deetune.bpf.MapDefinition;
import io.deetune.bpf.MapType;
import io.deetune.firewall.Action;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Java mirrors of firewall_structs.h and firewall_consts.h (one codec per struct) against the compiled objects'
 * BTF and map definitions, and against what the kernel accepts into the rule-table slots.
 */
class FirewallStructsTest {

    /** The struct's size is the codec's, and its members lie exactly at {@code offsets} (no member left out). */
    private static void assertLayout(Btf btf, String struct, Codec<?> codec, Map<String, Integer> offsets) {
        Btf.StructLayout layout = btf.struct(struct).orElseThrow(() -> new AssertionError("no struct " + struct + " in BTF"));
        assertEquals(codec.size(), layout.size(), struct + " size");
        assertEquals(offsets, layout.offsets(), struct + " members");
    }

    @Test
    void codecsMatchTheCStructsOfBothStageObjects() {
        for (String resource : List.of(FirewallStage.OBJECT, FirewallStage.TC_OBJECT)) {
            try (BpfObject object = BpfObject.open(FirewallStructsTest.class, resource)) {
                Btf btf = object.btf();
                assertLayout(btf, "fw_rule_counter", RuleCounter.CODEC, Map.of("packets", 0, "bytes", 8, "last_hit_ns", 16));
                assertLayout(btf, "fw_tuple_shape", TupleShape.CODEC, Map.of("sport_lo", 0, "sport_hi", 2, "dport_lo", 4,
                        "dport_hi", 6, "best_rank", 8, "proto_mask", 12, "flags_mask", 13, "sport_mode", 14, "dport_mode", 15));
                assertLayout(btf, "fw_tuple4", TupleEntry.IPV4, Map.of("shape", 0, "src_mask", 16, "dst_mask", 20));
                assertLayout(btf, "fw_tuple6", TupleEntry.IPV6, Map.of("shape", 0, "src_mask", 16, "dst_mask", 32));
                assertLayout(btf, "fw_rule_set", RuleSetEntry.CODEC, Map.of("rule_count", 0, "default_action", 4,
                        "generation", 8, "v4_count", 16, "v6_count", 20, "v4", RuleSetEntry.V4_OFFSET, "v6", RuleSetEntry.V6_OFFSET));
                assertLayout(btf, "fw_block_key", BlockKey.CODEC, Map.of("prefixlen", 0, "addr", 4));
                assertLayout(btf, "fw_block_entry", BlockEntry.CODEC, Map.of("expires_ns", 0, "packets", 8, "prefixlen", 16, "pad", 20));
            }
        }
    }

    /** The rule tables' keys and value, which the stage objects know only as inner-map sizes (firewall_structs.bpf.c). */
    @Test
    void ruleTableCodecsMatchTheCStructs() {
        try (BpfObject object = BpfObject.open(FirewallStructsTest.class, "bpf/firewall_structs.bpf.o")) {
            Btf btf = object.btf();
            assertLayout(btf, "fw_key_head", RuleKeyHead.CODEC,
                    Map.of("tuple", 0, "proto", 1, "tcp_flags", 2, "pad", 3, "sport", 4, "dport", 6));
            assertLayout(btf, "fw_key4", RuleKey.IPV4, Map.of("head", 0, "src", 8, "dst", 12));
            assertLayout(btf, "fw_key6", RuleKey.IPV6, Map.of("head", 0, "src", 8, "dst", 24));
            assertLayout(btf, "fw_rule_value", RuleValue.CODEC, Map.of("rank", 0, "action", 4, "counter", 8));
        }
    }

    @Test
    void mapsMatchTheCodecsAndTheConstants() {
        try (BpfObject object = BpfObject.open(FirewallStructsTest.class, FirewallStage.OBJECT)) {
            Map<String, MapDefinition> maps = object.mapDefinitions();
            assertDefinition(maps.get("fw_active"), Codec.U32, Codec.U32, 1);
            assertDefinition(maps.get("fw_sets"), Codec.U32, RuleSetEntry.CODEC, FirewallConsts.BANKS);
            assertDefinition(maps.get("fw_rule_tables4"), Codec.U32, Codec.U32, FirewallConsts.BANKS);
            assertDefinition(maps.get("fw_rule_tables6"), Codec.U32, Codec.U32, FirewallConsts.BANKS);
            assertDefinition(maps.get("fw_defaults"), Codec.U32, RuleCounter.CODEC, FirewallConsts.BANKS);
            assertDefinition(maps.get("fw_blocklist"), BlockKey.CODEC, BlockEntry.CODEC, 262144);
            assertDefinition(maps.get("fw_drops"), Codec.U32, Codec.U64, FirewallConsts.DROP_REASONS);
            assertEquals(FirewallConsts.MAX_TUPLES * TupleEntry.IPV4.size(), RuleSetEntry.V6_OFFSET - RuleSetEntry.V4_OFFSET,
                    "FW_MAX_TUPLES IPv4 tuples between v4 and v6");
        }
    }

    private static void assertDefinition(MapDefinition map, Codec<?> key, Codec<?> value, int maxEntries) {
        assertEquals(List.of(key.size(), value.size(), maxEntries), List.of(map.keySize(), map.valueSize(), map.maxEntries()),
                map.name() + " key size, value size, max entries");
    }

    /**
     * The inner-map templates of fw_rule_tables4/6: the kernel takes a rule table of the codecs' sizes into a slot and
     * refuses one whose key or value differs by a byte (so the sizes checked above against firewall_structs.bpf.o
     * are the stage's too).
     */
    @Test
    void theKernelTakesRuleTablesOfTheCodecsSizesOnly() {
        try (BpfObject object = BpfObject.open(FirewallStructsTest.class, FirewallStage.OBJECT).load()) {
            for (boolean ipv6 : List.of(false, true)) {
                BpfMap slots = object.map(ipv6 ? "fw_rule_tables6" : "fw_rule_tables4");
                int key = RuleKey.of(ipv6).size();
                int value = RuleValue.CODEC.size();
                try (BpfMap fits = BpfMap.create(MapType.PERCPU_HASH, "fits", key, value, 1, 0);
                     BpfMap longerKey = BpfMap.create(MapType.PERCPU_HASH, "longer_key", key + 1, value, 1, 0);
                     BpfMap longerValue = BpfMap.create(MapType.PERCPU_HASH, "longer_value", key, value + 8, 1, 0)) {
                    slots.update(Codec.U32.toBytes(0), Codec.U32.toBytes(fits.fd()));
                    assertThrows(BpfException.class, () -> slots.update(Codec.U32.toBytes(1), Codec.U32.toBytes(longerKey.fd())));
                    assertThrows(BpfException.class, () -> slots.update(Codec.U32.toBytes(1), Codec.U32.toBytes(longerValue.fd())));
                }
            }
        }
    }

    /** What each codec writes, it reads back (encoded again, the same bytes). */
    @Test
    void codecsReadBackWhatTheyWrite() {
        RuleCounter counter = new RuleCounter(3, 180, 123_456_789);
        TupleShape shape = new TupleShape(1024, 65535, 80, 80, 7, 0xff, 0x12, FirewallConsts.PORT_RANGE, FirewallConsts.PORT_EXACT);
        TupleEntry tuple4 = new TupleEntry(shape, new byte[] {-1, -1, -1, 0}, new byte[] {-1, 0, 0, 0});
        TupleEntry tuple6 = new TupleEntry(shape, new byte[16], bytes(16, 0x5a));
        assertReadsBack(RuleCounter.CODEC, counter);
        assertReadsBack(RuleValue.CODEC, new RuleValue(41, Action.DENY, counter));
        assertReadsBack(RuleKeyHead.CODEC, new RuleKeyHead(63, 6, 0x02, 40000, 443));
        assertReadsBack(RuleKey.IPV4, new RuleKey(new RuleKeyHead(1, 17, 0, 0, 53), bytes(4, 10), bytes(4, 20)));
        assertReadsBack(RuleKey.IPV6, new RuleKey(new RuleKeyHead(2, 6, 0, 22, 0), bytes(16, 0x20), bytes(16, 0x30)));
        assertReadsBack(TupleShape.CODEC, shape);
        assertReadsBack(TupleEntry.IPV4, tuple4);
        assertReadsBack(TupleEntry.IPV6, tuple6);
        assertReadsBack(RuleSetEntry.CODEC, new RuleSetEntry(9, Action.DENY, 5, List.of(tuple4, tuple4), List.of(tuple6)));
        assertReadsBack(BlockKey.CODEC, BlockKey.of(Cidr.parse("192.0.2.0/24")));
        assertReadsBack(BlockEntry.CODEC, new BlockEntry(987_654_321, 12, 120));
        assertEquals(Cidr.parse("192.0.2.0/24"), BlockKey.of(Cidr.parse("192.0.2.0/24")).cidr());
        assertEquals(Cidr.parse("2001:db8::/32"), BlockKey.of(Cidr.parse("2001:db8::/32")).cidr());
        assertEquals(120, BlockKey.of(Cidr.parse("192.0.2.0/24")).prefixLength(), "IPv4-mapped: 96 + 24");
    }

    private static <T> void assertReadsBack(Codec<T> codec, T value) {
        byte[] encoded = codec.toBytes(value);
        assertArrayEquals(encoded, codec.toBytes(codec.fromBytes(encoded)), value.toString());
    }

    private static byte[] bytes(int length, int first) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }
}

package io.deetune.firewall.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The C structs of firewall_structs.h and the constants of firewall_consts.h, mirrored once; a test checks these
 * sizes and offsets against the object's BTF. Multi-byte host-order fields are little-endian (native); addresses
 * and ports in keys are in network order.
 */
public final class BpfLayout {

    public static final int MAX_TUPLES = 64;
    public static final int BANKS = 2;
    /** Bits of fw_active's value: the bank that judges packets, and whether the blocklist holds any entry. */
    public static final int ACTIVE_BANK = BANKS - 1;
    public static final int ACTIVE_BLOCKLIST = 2;

    public static final int PORT_ANY = 0;
    public static final int PORT_EXACT = 1;
    public static final int PORT_RANGE = 2;

    public static final int DROP_BLOCKED = 0;
    public static final int DROP_MALFORMED = 1;
    /** A first fragment without its whole L4 header, or a TCP fragment at offset 8 (RFC 1858). */
    public static final int DROP_TINY_FRAGMENT = 2;

    /** struct fw_key_head, the start of both families' keys. */
    public static final int KEY_HEAD_SIZE = 8;
    /** struct fw_key4. */
    public static final int KEY4_SIZE = KEY_HEAD_SIZE + 8;
    /** struct fw_key6. */
    public static final int KEY6_SIZE = KEY_HEAD_SIZE + 32;
    /** struct fw_rule_counter. */
    public static final int RULE_COUNTER_SIZE = 24;
    /** struct fw_rule_value: rank, action, this CPU's counter. */
    public static final int RULE_VALUE_SIZE = 8 + RULE_COUNTER_SIZE;
    /** struct fw_tuple_shape. */
    public static final int TUPLE_SHAPE_SIZE = 16;
    /** struct fw_tuple4. */
    public static final int TUPLE4_SIZE = TUPLE_SHAPE_SIZE + 8;
    /** struct fw_tuple6. */
    public static final int TUPLE6_SIZE = TUPLE_SHAPE_SIZE + 32;
    /** struct fw_rule_set: rule_count, default_action, generation, v4_count, v6_count, v4[], v6[]. */
    public static final int RULE_SET_V4_OFFSET = 24;
    public static final int RULE_SET_V6_OFFSET = RULE_SET_V4_OFFSET + MAX_TUPLES * TUPLE4_SIZE;
    public static final int RULE_SET_SIZE = RULE_SET_V6_OFFSET + MAX_TUPLES * TUPLE6_SIZE;
    /** struct fw_block_key. */
    public static final int BLOCK_KEY_SIZE = 20;
    /** struct fw_block_entry: expires_ns, packets, prefixlen, pad. */
    public static final int BLOCK_ENTRY_SIZE = 24;

    /** BPF_F_INNER_MAP: lets an inner array map differ in size from its template. */
    public static final int F_INNER_MAP = 1 << 12;

    private BpfLayout() {}

    static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] u32(int value) {
        return buffer(4).putInt(value).array();
    }

    static void putNetworkShort(ByteBuffer out, int value) {
        out.put((byte) (value >>> 8)).put((byte) value);
    }
}

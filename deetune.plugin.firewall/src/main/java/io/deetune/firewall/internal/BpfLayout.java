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

    public static final int PORT_ANY = 0;
    public static final int PORT_EXACT = 1;
    public static final int PORT_RANGE = 2;

    public static final int DROP_BLOCKED = 0;
    public static final int DROP_MALFORMED = 1;

    /** struct fw_rule_key. */
    public static final int RULE_KEY_SIZE = 40;
    /** struct fw_rule_value. */
    public static final int RULE_VALUE_SIZE = 8;
    /** struct fw_tuple. */
    public static final int TUPLE_SIZE = 48;
    /** struct fw_tuple_list. */
    public static final int TUPLE_LIST_SIZE = 8 + MAX_TUPLES * TUPLE_SIZE;
    /** struct fw_rule_set: rule_count, default_action, generation, v4, v6. */
    public static final int RULE_SET_SIZE = 16 + 2 * TUPLE_LIST_SIZE;
    public static final int RULE_SET_V4_OFFSET = 16;
    public static final int RULE_SET_V6_OFFSET = 16 + TUPLE_LIST_SIZE;
    /** struct fw_rule_counter. */
    public static final int RULE_COUNTER_SIZE = 24;
    /** struct fw_block_key. */
    public static final int BLOCK_KEY_SIZE = 20;
    /** struct fw_block_entry. */
    public static final int BLOCK_ENTRY_SIZE = 16;

    /** BPF_F_INNER_MAP: lets an inner array map differ in size from its template. */
    public static final int F_INNER_MAP = 1 << 12;

    private BpfLayout() {}

    static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] u32(int value) {
        return buffer(4).putInt(value).array();
    }

    /** An address in the 16 bytes of a key: IPv4 in the first 4. */
    static void putAddress16(ByteBuffer out, byte[] address) {
        out.put(address);
        for (int i = address.length; i < 16; i++) {
            out.put((byte) 0);
        }
    }

    static void putNetworkShort(ByteBuffer out, int value) {
        out.put((byte) (value >>> 8)).put((byte) value);
    }
}

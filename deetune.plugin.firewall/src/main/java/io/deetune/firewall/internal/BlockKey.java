package io.deetune.firewall.internal;

import io.deetune.bpf.Codec;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code struct fw_block_key}, a key of the blocklist trie: an IPv6 prefix; an IPv4 prefix is IPv4-mapped
 * ({@code ::ffff:a.b.c.d}, prefix length + 96), so one lookup serves both families.
 *
 * @param address 16 bytes, network order
 */
record BlockKey(int prefixLength, byte[] address) {

    private static final byte[] MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    static final Codec<BlockKey> CODEC = new Codec<>() {
        @Override public int size() { return 20; }

        @Override public void encode(BlockKey value, ByteBuffer out) {
            out.putInt(value.prefixLength()).put(value.address());
        }

        @Override public BlockKey decode(ByteBuffer in) {
            int prefixLength = in.getInt();
            byte[] address = new byte[16];
            in.get(address);
            return new BlockKey(prefixLength, address);
        }
    };

    BlockKey {
        if (address.length != 16) {
            throw new IllegalArgumentException("a blocklist key holds a 16-byte address, not " + address.length);
        }
    }

    static BlockKey of(Cidr cidr) {
        if (cidr.ipv6()) {
            return new BlockKey(cidr.prefixLength(), cidr.address());
        }
        byte[] mapped = Arrays.copyOf(MAPPED, 16);
        System.arraycopy(cidr.address(), 0, mapped, 12, 4);
        return new BlockKey(96 + cidr.prefixLength(), mapped);
    }

    /** The prefix this key stands for (an IPv4-mapped one as IPv4). */
    Cidr cidr() {
        boolean mapped = prefixLength >= 96 && Arrays.equals(Arrays.copyOfRange(address, 0, 12), MAPPED);
        return mapped ? Cidr.of(Arrays.copyOfRange(address, 12, 16), prefixLength - 96) : Cidr.of(address, prefixLength);
    }
}

package io.deetune.firewall.internal;

import io.deetune.bpf.Codec;
import java.nio.ByteBuffer;

/**
 * {@code struct fw_block_entry}, the value of a blocklist key.
 *
 * @param expiresNanos CLOCK_MONOTONIC ({@link System#nanoTime()}) when the entry stops applying; 0: never
 * @param packets      packets the entry dropped (the stage counts them)
 * @param prefixLength the prefix length of the entry's key: an LPM lookup does not say which prefix matched, and the
 *                     stage needs it to step past an expired entry to the prefixes that cover it
 */
record BlockEntry(long expiresNanos, long packets, int prefixLength) {

    static final Codec<BlockEntry> CODEC = new Codec<>() {
        @Override public int size() { return 24; }

        @Override public void encode(BlockEntry value, ByteBuffer out) {
            out.putLong(value.expiresNanos()).putLong(value.packets()).putInt(value.prefixLength()).putInt(0);
        }

        @Override public BlockEntry decode(ByteBuffer in) {
            BlockEntry entry = new BlockEntry(in.getLong(), in.getLong(), in.getInt());
            in.getInt();
            return entry;
        }
    };
}

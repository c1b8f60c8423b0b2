package io.deetune.discard.internal;

import io.deetune.bpf.Codec;
import java.nio.ByteBuffer;

/** {@code struct discard_hits}: the hits of a port on one CPU, or summed. */
record PortCounter(long packets, long bytes) {

    static final PortCounter ZERO = new PortCounter(0, 0);

    static final Codec<PortCounter> CODEC = new Codec<>() {
        @Override public int size() { return 16; }

        @Override public void encode(PortCounter value, ByteBuffer out) {
            out.putLong(value.packets()).putLong(value.bytes());
        }

        @Override public PortCounter decode(ByteBuffer in) {
            return new PortCounter(in.getLong(), in.getLong());
        }
    };

    PortCounter plus(PortCounter other) {
        return new PortCounter(packets + other.packets, bytes + other.bytes);
    }
}

package io.deetune.lb.internal;

import io.deetune.bpf.Codec;
import java.nio.ByteBuffer;

/** {@code struct lb_flow}: the backend a client flow is bound to. */
record FlowEntry(long createdNanos, long lastSeenNanos, int backendId, int serviceId, int flags, int snatPort) {

    static final int FIN_CLIENT = 0x1;
    static final int FIN_BACKEND = 0x2;
    static final int RST = 0x4;
    static final int CLOSED = 0x8;

    static final Codec<FlowEntry> CODEC = new Codec<>() {
        @Override public int size() { return 32; }

        @Override public void encode(FlowEntry value, ByteBuffer out) {
            out.putLong(value.createdNanos()).putLong(value.lastSeenNanos()).putInt(value.backendId())
                    .putInt(value.serviceId()).putInt(value.flags());
            Wire.putPort(out, value.snatPort());
            out.putShort((short) 0);
        }

        @Override public FlowEntry decode(ByteBuffer in) {
            FlowEntry entry = new FlowEntry(in.getLong(), in.getLong(), in.getInt(), in.getInt(), in.getInt(), Wire.getPort(in));
            in.getShort();
            return entry;
        }
    };

    boolean closed() {
        return (flags & CLOSED) != 0;
    }

    String state() {
        if (closed()) {
            return "closed";
        }
        return (flags & (FIN_CLIENT | FIN_BACKEND)) != 0 ? "closing" : "open";
    }
}

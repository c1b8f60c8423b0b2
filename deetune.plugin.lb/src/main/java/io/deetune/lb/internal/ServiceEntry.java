package io.deetune.lb.internal;

import io.deetune.bpf.Codec;
import java.nio.ByteBuffer;

/** {@code struct lb_service}. */
record ServiceEntry(int id, int algorithm, int ringLength, int flags) {

    static final Codec<ServiceEntry> CODEC = new Codec<>() {
        @Override public int size() { return 16; }

        @Override public void encode(ServiceEntry value, ByteBuffer out) {
            out.putInt(value.id()).putInt(value.algorithm()).putInt(value.ringLength()).putInt(value.flags());
        }

        @Override public ServiceEntry decode(ByteBuffer in) {
            return new ServiceEntry(in.getInt(), in.getInt(), in.getInt(), in.getInt());
        }
    };
}

package io.deetune.lb.internal;

import io.deetune.bpf.Codec;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** {@code struct lb_backend}. */
record BackendEntry(InetAddress address, int port, boolean up, int weight) {

    static final int FLAG_UP = 0x1;

    static final Codec<BackendEntry> CODEC = new Codec<>() {
        @Override public int size() { return 24; }

        @Override public void encode(BackendEntry value, ByteBuffer out) {
            Wire.putAddress(out, value.address());
            Wire.putPort(out, value.port());
            out.put((byte) Wire.family(value.address())).put((byte) (value.up() ? FLAG_UP : 0)).putInt(value.weight());
        }

        @Override public BackendEntry decode(ByteBuffer in) {
            int start = in.position();
            int family = in.get(start + 18);
            InetAddress address = Wire.getAddress(in, family);
            int port = Wire.getPort(in);
            in.get();
            boolean up = (in.get() & FLAG_UP) != 0;
            return new BackendEntry(address, port, up, in.getInt());
        }
    };
}

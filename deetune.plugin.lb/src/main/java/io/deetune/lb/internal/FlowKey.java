package io.deetune.lb.internal;

import io.deetune.bpf.Codec;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** {@code struct lb_flow_key}: a flow as seen on the wire. */
record FlowKey(InetAddress source, InetAddress destination, int sourcePort, int destinationPort, int protocol) {

    static final Codec<FlowKey> CODEC = new Codec<>() {
        @Override public int size() { return 40; }

        @Override public void encode(FlowKey key, ByteBuffer out) {
            Wire.putAddress(out, key.source());
            Wire.putAddress(out, key.destination());
            Wire.putPort(out, key.sourcePort());
            Wire.putPort(out, key.destinationPort());
            out.put((byte) key.protocol()).put((byte) Wire.family(key.source())).put((byte) 0).put((byte) 0);
        }

        @Override public FlowKey decode(ByteBuffer in) {
            int family = in.get(in.position() + 37);
            InetAddress source = Wire.getAddress(in, family);
            InetAddress destination = Wire.getAddress(in, family);
            int sourcePort = Wire.getPort(in);
            int destinationPort = Wire.getPort(in);
            int protocol = in.get() & 0xff;
            in.get();
            in.getShort();
            return new FlowKey(source, destination, sourcePort, destinationPort, protocol);
        }
    };
}

package io.deetune.lb.internal;

import io.deetune.bpf.Codec;
import io.deetune.lb.VirtualService;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** {@code struct lb_vip_key}. */
record VipKey(InetAddress address, int port, int protocol) {

    /** The key the kernel finds {@code service} by: its VIP, port and protocol. */
    static VipKey of(VirtualService service) {
        return new VipKey(service.vip(), service.port(), service.protocol().number());
    }

    static final Codec<VipKey> CODEC = new Codec<>() {
        @Override public int size() { return 20; }

        @Override public void encode(VipKey key, ByteBuffer out) {
            Wire.putAddress(out, key.address());
            Wire.putPort(out, key.port());
            out.put((byte) key.protocol()).put((byte) Wire.family(key.address()));
        }

        @Override public VipKey decode(ByteBuffer in) {
            int start = in.position();
            in.position(start + 19);
            int family = in.get();
            in.position(start);
            InetAddress address = Wire.getAddress(in, family);
            int port = Wire.getPort(in);
            int protocol = in.get() & 0xff;
            in.get();
            return new VipKey(address, port, protocol);
        }
    };
}

package io.deetune.lb.internal;

import io.deetune.bpf.Codec;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** {@code struct lb_reply}: how a backend's reply is rewritten back to the VIP and the client. */
record ReplyEntry(InetAddress vip, InetAddress client, int vipPort, int clientPort, int backendId, long lastSeenNanos) {

    /** The address family is not stored in the value: the reply's key carries it. */
    static Codec<ReplyEntry> codec(int family) {
        return new Codec<>() {
            @Override public int size() { return 48; }

            @Override public void encode(ReplyEntry value, ByteBuffer out) {
                Wire.putAddress(out, value.vip());
                Wire.putAddress(out, value.client());
                Wire.putPort(out, value.vipPort());
                Wire.putPort(out, value.clientPort());
                out.putInt(value.backendId()).putLong(value.lastSeenNanos());
            }

            @Override public ReplyEntry decode(ByteBuffer in) {
                InetAddress vip = Wire.getAddress(in, family);
                InetAddress client = Wire.getAddress(in, family);
                int vipPort = Wire.getPort(in);
                int clientPort = Wire.getPort(in);
                return new ReplyEntry(vip, client, vipPort, clientPort, in.getInt(), in.getLong());
            }
        };
    }

    /** Raw value codec for map access where the family is read from the key afterwards. */
    static final Codec<ReplyEntry> IPV4 = codec(Wire.FAMILY_IPV4);
    static final Codec<ReplyEntry> IPV6 = codec(Wire.FAMILY_IPV6);

    /** The codec of the values whose key has address family {@code family} ({@link Wire#FAMILY_IPV4} or IPv6). */
    static Codec<ReplyEntry> of(int family) {
        return family == Wire.FAMILY_IPV4 ? IPV4 : IPV6;
    }
}

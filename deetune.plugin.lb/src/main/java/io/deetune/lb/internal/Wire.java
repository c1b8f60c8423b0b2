package io.deetune.lb.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Fields the C structs keep in network byte order: 16-byte address slots and ports. */
final class Wire {

    static final int FAMILY_IPV4 = 4;
    static final int FAMILY_IPV6 = 6;

    private Wire() {}

    static int family(InetAddress address) {
        return address instanceof Inet4Address ? FAMILY_IPV4 : FAMILY_IPV6;
    }

    /** An address in a {@code __be32[4]} slot: IPv4 in the first word, the rest zero. */
    static void putAddress(ByteBuffer out, InetAddress address) {
        byte[] raw = address.getAddress();
        out.put(raw);
        for (int i = raw.length; i < 16; i++) {
            out.put((byte) 0);
        }
    }

    static InetAddress getAddress(ByteBuffer in, int family) {
        byte[] raw = new byte[16];
        in.get(raw);
        try {
            return InetAddress.getByAddress(family == FAMILY_IPV4 ? java.util.Arrays.copyOf(raw, 4) : raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A {@code __be16} port. */
    static void putPort(ByteBuffer out, int port) {
        out.put((byte) (port >> 8)).put((byte) port);
    }

    static int getPort(ByteBuffer in) {
        return ((in.get() & 0xff) << 8) | (in.get() & 0xff);
    }
}

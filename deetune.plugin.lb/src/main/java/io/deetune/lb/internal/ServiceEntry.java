package io.deetune.lb.internal;

import io.deetune.bpf.Codec;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** {@code struct lb_service}; {@code snat} is null when the service does not translate sources. */
record ServiceEntry(int id, int algorithm, int ringLength, InetAddress snat) {

    static final int FLAG_SNAT = 0x1;

    static final Codec<ServiceEntry> CODEC = new Codec<>() {
        @Override public int size() { return 32; }

        @Override public void encode(ServiceEntry value, ByteBuffer out) {
            out.putInt(value.id()).putInt(value.algorithm()).putInt(value.ringLength()).putInt(value.snat() == null ? 0 : FLAG_SNAT);
            if (value.snat() == null) {
                out.put(new byte[16]);
            } else {
                Wire.putAddress(out, value.snat());
            }
        }

        @Override public ServiceEntry decode(ByteBuffer in) {
            int id = in.getInt();
            int algorithm = in.getInt();
            int ringLength = in.getInt();
            int flags = in.getInt();
            byte[] raw = new byte[16];
            in.get(raw);
            InetAddress snat = null;
            if ((flags & FLAG_SNAT) != 0) {
                boolean v4 = java.util.Arrays.equals(java.util.Arrays.copyOfRange(raw, 4, 16), new byte[12]);
                snat = Wire.getAddress(ByteBuffer.wrap(raw), v4 ? Wire.FAMILY_IPV4 : Wire.FAMILY_IPV6);
            }
            return new ServiceEntry(id, algorithm, ringLength, snat);
        }
    };
}

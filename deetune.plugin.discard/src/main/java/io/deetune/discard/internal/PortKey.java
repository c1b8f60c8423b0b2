package io.deetune.discard.internal;

import io.deetune.bpf.Codec;
import io.deetune.discard.DiscardPort;
import io.deetune.discard.Protocol;
import java.nio.ByteBuffer;

/** {@code struct discard_port_key}: a destination port (network order in the key) of TCP or UDP. */
record PortKey(DiscardPort port) {

    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;

    static final Codec<PortKey> CODEC = new Codec<>() {
        @Override public int size() { return 4; }

        @Override public void encode(PortKey value, ByteBuffer out) {
            int port = value.port().port();
            // Network order whatever the buffer's: high byte first.
            out.put((byte) (port >>> 8)).put((byte) port).put((byte) protocolNumber(value.port().protocol())).put((byte) 0);
        }

        @Override public PortKey decode(ByteBuffer in) {
            int port = (in.get() & 0xff) << 8 | (in.get() & 0xff);
            int protocol = in.get() & 0xff;
            in.get();
            return new PortKey(new DiscardPort(protocol(protocol), port));
        }
    };

    static int protocolNumber(Protocol protocol) {
        return switch (protocol) {
            case TCP -> IPPROTO_TCP;
            case UDP -> IPPROTO_UDP;
        };
    }

    private static Protocol protocol(int number) {
        return switch (number) {
            case IPPROTO_TCP -> Protocol.TCP;
            case IPPROTO_UDP -> Protocol.UDP;
            default -> throw new IllegalArgumentException("discard_port_key: protocol " + number + " is neither TCP nor UDP");
        };
    }
}

package io.deetune.firewall.internal;

import io.deetune.bpf.Codec;
import java.nio.ByteBuffer;

/**
 * {@code struct fw_key_head}, the start of both families' rule-table keys: the tuple's number in its family and the
 * packet's fields masked by that tuple (0 where the tuple does not match them). Ports in network order.
 */
record RuleKeyHead(int tuple, int protocol, int tcpFlags, int sourcePort, int destinationPort) {

    static final Codec<RuleKeyHead> CODEC = new Codec<>() {
        @Override public int size() { return 8; }

        @Override public void encode(RuleKeyHead value, ByteBuffer out) {
            out.put((byte) value.tuple()).put((byte) value.protocol()).put((byte) value.tcpFlags()).put((byte) 0);
            putNetworkShort(out, value.sourcePort());
            putNetworkShort(out, value.destinationPort());
        }

        @Override public RuleKeyHead decode(ByteBuffer in) {
            int tuple = in.get() & 0xff;
            int protocol = in.get() & 0xff;
            int tcpFlags = in.get() & 0xff;
            in.get();
            return new RuleKeyHead(tuple, protocol, tcpFlags, getNetworkShort(in), getNetworkShort(in));
        }
    };

    private static void putNetworkShort(ByteBuffer out, int value) {
        out.put((byte) (value >>> 8)).put((byte) value);
    }

    private static int getNetworkShort(ByteBuffer in) {
        return ((in.get() & 0xff) << 8) | (in.get() & 0xff);
    }
}

package io.deetune.firewall.internal;

import io.deetune.bpf.Codec;
import java.nio.ByteBuffer;

/**
 * {@code struct fw_tuple_shape}: what a tuple matches besides addresses, and the best (lowest) rank among its rules.
 * Host byte order.
 *
 * @param sourcePortLow     with {@code sourcePortHigh}: the range of a {@link FirewallConsts#PORT_RANGE} tuple, else 0
 * @param protocolMask      0xff: the protocol is matched (it is part of the key), 0: any
 * @param flagsMask         the TCP flags that must equal the key's
 * @param sourcePortMode    {@link FirewallConsts#PORT_ANY}, {@link FirewallConsts#PORT_EXACT} or
 *                          {@link FirewallConsts#PORT_RANGE}
 */
record TupleShape(int sourcePortLow, int sourcePortHigh, int destinationPortLow, int destinationPortHigh, int bestRank,
                  int protocolMask, int flagsMask, int sourcePortMode, int destinationPortMode) {

    static final Codec<TupleShape> CODEC = new Codec<>() {
        @Override public int size() { return 16; }

        @Override public void encode(TupleShape value, ByteBuffer out) {
            out.putShort((short) value.sourcePortLow()).putShort((short) value.sourcePortHigh());
            out.putShort((short) value.destinationPortLow()).putShort((short) value.destinationPortHigh());
            out.putInt(value.bestRank());
            out.put((byte) value.protocolMask()).put((byte) value.flagsMask());
            out.put((byte) value.sourcePortMode()).put((byte) value.destinationPortMode());
        }

        @Override public TupleShape decode(ByteBuffer in) {
            int sourceLow = in.getShort() & 0xffff;
            int sourceHigh = in.getShort() & 0xffff;
            int destinationLow = in.getShort() & 0xffff;
            int destinationHigh = in.getShort() & 0xffff;
            int bestRank = in.getInt();
            return new TupleShape(sourceLow, sourceHigh, destinationLow, destinationHigh, bestRank,
                    in.get() & 0xff, in.get() & 0xff, in.get() & 0xff, in.get() & 0xff);
        }
    };
}

package io.deetune.lb.internal;

import io.deetune.bpf.Codec;
import java.nio.ByteBuffer;

/** {@code struct lb_stats}: counters of a service or backend (per CPU in the map; summed here). */
record Stats(long packets, long bytes, long newFlows) {

    static final Stats ZERO = new Stats(0, 0, 0);

    static final Codec<Stats> CODEC = new Codec<>() {
        @Override public int size() { return 24; }

        @Override public void encode(Stats value, ByteBuffer out) {
            out.putLong(value.packets()).putLong(value.bytes()).putLong(value.newFlows());
        }

        @Override public Stats decode(ByteBuffer in) {
            return new Stats(in.getLong(), in.getLong(), in.getLong());
        }
    };

    Stats plus(Stats other) {
        return new Stats(packets + other.packets, bytes + other.bytes, newFlows + other.newFlows);
    }
}

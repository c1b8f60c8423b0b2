package io.deetune.firewall.internal;

import io.deetune.bpf.Codec;

/**
 * {@code struct fw_tuple4} or {@code fw_tuple6}: a tuple of a rule set, its shape and its prefix lengths as masks
 * (network order, 4 or 16 bytes each).
 */
record TupleEntry(TupleShape shape, byte[] sourceMask, byte[] destinationMask) {

    static final Codec<TupleEntry> IPV4 = codec(4);
    static final Codec<TupleEntry> IPV6 = codec(16);

    private static Codec<TupleEntry> codec(int addressBytes) {
        return new HeadAndAddresses<>(TupleShape.CODEC, addressBytes, TupleEntry::shape, TupleEntry::sourceMask,
                TupleEntry::destinationMask, TupleEntry::new);
    }
}

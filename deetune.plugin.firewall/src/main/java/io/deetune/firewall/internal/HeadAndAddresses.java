package io.deetune.firewall.internal;

import io.deetune.bpf.Codec;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * The codec of a struct that is a head struct and then two addresses of one family, 4 or 16 bytes each in network
 * order: fw_key4 and fw_key6 (head, src, dst), fw_tuple4 and fw_tuple6 (shape, src_mask, dst_mask).
 *
 * @param <T> the struct's record
 * @param <H> the head's record
 */
final class HeadAndAddresses<T, H> implements Codec<T> {

    /** Makes the record from its parts. */
    interface Parts<T, H> {
        T of(H head, byte[] first, byte[] second);
    }

    private final Codec<H> head;
    private final int addressBytes;
    private final Function<T, H> headOf;
    private final Function<T, byte[]> firstOf;
    private final Function<T, byte[]> secondOf;
    private final Parts<T, H> parts;

    HeadAndAddresses(Codec<H> head, int addressBytes, Function<T, H> headOf, Function<T, byte[]> firstOf,
                     Function<T, byte[]> secondOf, Parts<T, H> parts) {
        this.head = head;
        this.addressBytes = addressBytes;
        this.headOf = headOf;
        this.firstOf = firstOf;
        this.secondOf = secondOf;
        this.parts = parts;
    }

    @Override
    public int size() {
        return head.size() + 2 * addressBytes;
    }

    @Override
    public void encode(T value, ByteBuffer out) {
        byte[] first = firstOf.apply(value);
        byte[] second = secondOf.apply(value);
        if (first.length != addressBytes || second.length != addressBytes) {
            throw new IllegalArgumentException("expected two " + addressBytes + "-byte addresses, got " + first.length
                    + " and " + second.length + " bytes");
        }
        head.encode(headOf.apply(value), out);
        out.put(first).put(second);
    }

    @Override
    public T decode(ByteBuffer in) {
        H decodedHead = head.decode(in);
        byte[] first = new byte[addressBytes];
        byte[] second = new byte[addressBytes];
        in.get(first).get(second);
        return parts.of(decodedHead, first, second);
    }
}

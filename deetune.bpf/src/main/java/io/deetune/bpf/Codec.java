package io.deetune.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes a Java value as the bytes of a C struct and back, so map users never do offset arithmetic by hand.
 * Buffers handed to a codec are in native (little-endian) byte order, positioned at the start of the value.
 * One codec per C struct; its layout is checked against the object's BTF in tests.
 */
public interface Codec<T> {

    /** The size of the C value in bytes. */
    int size();

    void encode(T value, ByteBuffer out);

    T decode(ByteBuffer in);

    default byte[] toBytes(T value) {
        ByteBuffer buffer = ByteBuffer.allocate(size()).order(ByteOrder.nativeOrder());
        encode(value, buffer);
        return buffer.array();
    }

    default T fromBytes(byte[] bytes) {
        if (bytes.length < size()) {
            throw new IllegalArgumentException("expected " + size() + " bytes, got " + bytes.length);
        }
        return decode(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()));
    }

    /** {@code __u32}. */
    Codec<Integer> U32 = new Codec<>() {
        @Override public int size() { return 4; }
        @Override public void encode(Integer value, ByteBuffer out) { out.putInt(value); }
        @Override public Integer decode(ByteBuffer in) { return in.getInt(); }
    };

    /** {@code __u64}. */
    Codec<Long> U64 = new Codec<>() {
        @Override public int size() { return 8; }
        @Override public void encode(Long value, ByteBuffer out) { out.putLong(value); }
        @Override public Long decode(ByteBuffer in) { return in.getLong(); }
    };

    /** Raw bytes of a fixed size. */
    static Codec<byte[]> bytes(int size) {
        return new Codec<>() {
            @Override public int size() { return size; }
            @Override public void encode(byte[] value, ByteBuffer out) {
                if (value.length != size) {
                    throw new IllegalArgumentException("expected " + size + " bytes, got " + value.length);
                }
                out.put(value);
            }
            @Override public byte[] decode(ByteBuffer in) {
                byte[] value = new byte[size];
                in.get(value);
                return value;
            }
        };
    }
}

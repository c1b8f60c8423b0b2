package io.deetune.bpf;

/**
 * What defines a map: two maps with equal definitions are interchangeable, so a pinned map can be reused by a
 * program that declares the same definition.
 */
public record MapDefinition(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {

    /** Whether a map defined as {@code other} can stand in for this one (the name does not matter). */
    public boolean compatibleWith(MapDefinition other) {
        return type == other.type && keySize == other.keySize && valueSize == other.valueSize
                && maxEntries == other.maxEntries && flags == other.flags;
    }

    @Override
    public String toString() {
        return name + "{type=" + type + ", key=" + keySize + ", value=" + valueSize + ", max_entries=" + maxEntries
                + ", flags=0x" + Integer.toHexString(flags) + "}";
    }
}

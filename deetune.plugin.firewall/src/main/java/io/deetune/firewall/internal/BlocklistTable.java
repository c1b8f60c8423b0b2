package io.deetune.firewall.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.firewall.BlockedEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The blocklist in the kernel: an LPM trie of source prefixes (IPv4 as IPv4-mapped IPv6, so one lookup serves both
 * families). Expiry times are CLOCK_MONOTONIC, the clock of both {@link System#nanoTime()} on Linux and
 * bpf_ktime_get_ns(); the stage ignores an expired entry, and {@link #entries()} removes it.
 */
public final class BlocklistTable {

    private final BpfMap map;
    private final RuleTables tables;

    /** {@code tables} learns whether the blocklist is in use (the stage skips the lookup of an empty one). */
    public BlocklistTable(BpfMap map, RuleTables tables) {
        this.map = map;
        this.tables = tables;
        // A blocklist pinned by an earlier run may hold entries already.
        tables.blocklistInUse(!map.isEmpty());
    }

    public void block(Cidr cidr, Duration duration) {
        long expires = 0;
        if (duration != null) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("block duration must be positive, not " + duration);
            }
            expires = System.nanoTime() + duration.toNanos();
        }
        map.update(key(cidr), BpfLayout.buffer(BpfLayout.BLOCK_ENTRY_SIZE).putLong(expires).putLong(0).array());
        tables.blocklistInUse(true);
    }

    public boolean unblock(Cidr cidr) {
        boolean removed = map.delete(key(cidr));
        if (removed && map.isEmpty()) {
            tables.blocklistInUse(false);
        }
        return removed;
    }

    /** The entries in force; expired ones are deleted on the way. */
    public List<BlockedEntry> entries() {
        long now = System.nanoTime();
        Instant wallNow = Instant.now();
        List<BlockedEntry> entries = new ArrayList<>();
        boolean purged = false;
        for (byte[] key : map.keys()) {
            Optional<byte[]> value = map.lookup(key);
            if (value.isEmpty()) {
                continue;
            }
            ByteBuffer entry = ByteBuffer.wrap(value.get()).order(ByteOrder.LITTLE_ENDIAN);
            long expires = entry.getLong();
            long packets = entry.getLong();
            if (expires != 0 && expires <= now) {
                map.delete(key);
                purged = true;
                continue;
            }
            entries.add(new BlockedEntry(cidr(key).toString(),
                    expires == 0 ? Optional.empty() : Optional.of(wallNow.plusNanos(expires - now)), packets));
        }
        if (purged && entries.isEmpty() && map.isEmpty()) {
            tables.blocklistInUse(false);
        }
        return entries;
    }

    static byte[] key(Cidr cidr) {
        ByteBuffer key = BpfLayout.buffer(BpfLayout.BLOCK_KEY_SIZE);
        byte[] address = cidr.address();
        if (cidr.ipv6()) {
            key.putInt(cidr.prefixLength()).put(address);
        } else {
            key.putInt(96 + cidr.prefixLength()).put(new byte[10]).put((byte) 0xff).put((byte) 0xff).put(address);
        }
        return key.array();
    }

    static Cidr cidr(byte[] key) {
        ByteBuffer in = ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN);
        int prefix = in.getInt();
        byte[] address = Arrays.copyOfRange(key, 4, 20);
        boolean mapped = prefix >= 96 && Arrays.equals(Arrays.copyOfRange(address, 0, 12),
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff});
        return mapped ? Cidr.of(Arrays.copyOfRange(address, 12, 16), prefix - 96) : Cidr.of(address, prefix);
    }

}

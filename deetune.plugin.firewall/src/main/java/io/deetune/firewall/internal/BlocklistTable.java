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
 * bpf_ktime_get_ns(). The stage steps past an expired entry to the prefixes that cover it (so an expired longer
 * prefix never hides a shorter live one); {@link #purgeExpired} removes expired entries, called by the stage's timer
 * once the earliest expiry has passed ({@link #nextExpiry}), and {@link #entries()} on the way. Synchronized: the
 * timer, commands and other bundles call it from their own threads, and the "in use" bit must follow the trie.
 */
public final class BlocklistTable {

    /** No entry expires. */
    static final long NEVER = Long.MAX_VALUE;

    private final BpfMap map;
    private final RuleTables tables;
    /** The earliest expiry (System.nanoTime) among the entries, as far as this object knows; NEVER if none. */
    private long nextExpiry = NEVER;

    /** {@code tables} learns whether the blocklist is in use (the stage skips the lookup of an empty one). */
    public BlocklistTable(BpfMap map, RuleTables tables) {
        this.map = map;
        this.tables = tables;
        // A blocklist pinned by an earlier run may hold entries already, expired ones too.
        tables.blocklistInUse(!map.isEmpty());
        purgeExpired();
    }

    public synchronized void block(Cidr cidr, Duration duration) {
        long expires = 0;
        if (duration != null) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("block duration must be positive, not " + duration);
            }
            expires = System.nanoTime() + duration.toNanos();
            nextExpiry = Math.min(nextExpiry, expires);
        }
        byte[] key = key(cidr);
        map.update(key, BpfLayout.buffer(BpfLayout.BLOCK_ENTRY_SIZE).putLong(expires).putLong(0)
                .putInt(prefixLength(key)).putInt(0).array());
        tables.blocklistInUse(true);
    }

    public synchronized boolean unblock(Cidr cidr) {
        boolean removed = map.delete(key(cidr));
        if (removed && map.isEmpty()) {
            tables.blocklistInUse(false);
        }
        return removed;
    }

    /** The entries in force; expired ones are deleted on the way. */
    public synchronized List<BlockedEntry> entries() {
        return walk();
    }

    /** When the next entry expires (System.nanoTime), {@link #NEVER} if none does. */
    public synchronized long nextExpiry() {
        return nextExpiry;
    }

    /** Deletes the expired entries; clears the "in use" bit when none is left. */
    public synchronized void purgeExpired() {
        walk();
    }

    /** Reads every entry, deletes the expired ones and learns the next expiry; returns the live entries. */
    private List<BlockedEntry> walk() {
        long now = System.nanoTime();
        Instant wallNow = Instant.now();
        List<BlockedEntry> entries = new ArrayList<>();
        long next = NEVER;
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
            if (expires != 0) {
                next = Math.min(next, expires);
            }
            entries.add(new BlockedEntry(cidr(key).toString(),
                    expires == 0 ? Optional.empty() : Optional.of(wallNow.plusNanos(expires - now)), packets));
        }
        nextExpiry = next;
        if (purged && entries.isEmpty() && map.isEmpty()) {
            tables.blocklistInUse(false);
        }
        return entries;
    }

    private static int prefixLength(byte[] key) {
        return ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN).getInt();
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

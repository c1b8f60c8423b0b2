package io.deetune.firewall.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.TypedMap;
import io.deetune.firewall.BlockedEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
    private final TypedMap<BlockKey, BlockEntry> entries;
    private final RuleTables tables;
    /** The earliest expiry (System.nanoTime) among the entries, as far as this object knows; NEVER if none. */
    private long nextExpiry = NEVER;

    /** {@code tables} learns whether the blocklist is in use (the stage skips the lookup of an empty one). */
    public BlocklistTable(BpfMap map, RuleTables tables) {
        this.map = map;
        this.entries = map.typed(BlockKey.CODEC, BlockEntry.CODEC);
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
        BlockKey key = BlockKey.of(cidr);
        entries.put(key, new BlockEntry(expires, 0, key.prefixLength()));
        tables.blocklistInUse(true);
    }

    public synchronized boolean unblock(Cidr cidr) {
        boolean removed = entries.remove(BlockKey.of(cidr));
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
        List<BlockedEntry> live = new ArrayList<>();
        long next = NEVER;
        boolean purged = false;
        for (byte[] raw : map.keys()) {
            BlockKey key = BlockKey.CODEC.fromBytes(raw);
            Optional<BlockEntry> value = entries.get(key);
            if (value.isEmpty()) {
                continue;
            }
            long expires = value.get().expiresNanos();
            if (expires != 0 && expires <= now) {
                entries.remove(key);
                purged = true;
                continue;
            }
            if (expires != 0) {
                next = Math.min(next, expires);
            }
            live.add(new BlockedEntry(key.cidr().toString(),
                    expires == 0 ? Optional.empty() : Optional.of(wallNow.plusNanos(expires - now)), value.get().packets()));
        }
        nextExpiry = next;
        if (purged && live.isEmpty() && map.isEmpty()) {
            tables.blocklistInUse(false);
        }
        return live;
    }

    /** The prefix of an encoded key of the trie. */
    static Cidr cidr(byte[] key) {
        return BlockKey.CODEC.fromBytes(key).cidr();
    }

}

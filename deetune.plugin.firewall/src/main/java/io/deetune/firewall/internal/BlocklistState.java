package io.deetune.firewall.internal;

import io.deetune.firewall.BlockedEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The blocklist the {@link io.deetune.firewall.Blocklist} service changes: the kernel's trie ({@link BlocklistTable})
 * while the stage is loaded; before that, the blocks asked for, which {@link #writePending} writes into the trie.
 *
 * <p>Not thread-safe: the stage calls it under its lock. The expiry sweep ({@link BlocklistSweep}) takes the
 * {@link #table} under that lock and walks it without.
 */
final class BlocklistState {

    /** The stage's trie; null while the stage is not loaded. */
    private BlocklistTable table;
    /**
     * Blocks requested while there is no trie, with the moment each ends (null: until unblocked): a block's time runs
     * from the request, not from the stage's load.
     */
    private final Map<Cidr, Instant> pending = new LinkedHashMap<>();

    /** Blocks go into {@code table} from now on. */
    void attach(BlocklistTable table) {
        this.table = table;
    }

    /** Writes the blocks requested before {@link #attach} into the trie. */
    void writePending() {
        Instant now = Instant.now();
        pending.forEach((cidr, end) -> {
            if (end == null) {
                table.block(cidr, null);
            } else if (end.isAfter(now)) {
                table.block(cidr, Duration.between(now, end));
            }
        });
        pending.clear();
    }

    /** The stage is being unloaded: blocks wait for the next trie again. */
    void detach() {
        table = null;
    }

    /** The trie, or null while the stage is not loaded. */
    BlocklistTable table() {
        return table;
    }

    /** {@code duration} null: until unblocked. */
    void block(Cidr cidr, Duration duration) {
        if (table == null) {
            pending.put(cidr, duration == null ? null : Instant.now().plus(duration));
        } else {
            table.block(cidr, duration);
        }
    }

    boolean unblock(Cidr prefix) {
        if (table == null) {
            boolean wasPending = pending.containsKey(prefix);
            pending.remove(prefix);
            return wasPending;
        }
        return table.unblock(prefix);
    }

    /** The entries in force; before load, the pending blocks that have not ended, with their end. */
    List<BlockedEntry> entries() {
        if (table == null) {
            Instant now = Instant.now();
            pending.values().removeIf(end -> end != null && !end.isAfter(now));
            return pending.entrySet().stream()
                    .map(e -> new BlockedEntry(e.getKey().toString(), Optional.ofNullable(e.getValue()), 0)).toList();
        }
        return table.entries();
    }
}

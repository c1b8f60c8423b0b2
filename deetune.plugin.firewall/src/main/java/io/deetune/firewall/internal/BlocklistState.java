package io.deetune.firewall.internal;

import io.deetune.firewall.BlockedEntry;
import java.time.Duration;
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
    /** Blocks requested while there is no trie (null duration: no expiry). */
    private final Map<Cidr, Duration> pending = new LinkedHashMap<>();

    /** Blocks go into {@code table} from now on. */
    void attach(BlocklistTable table) {
        this.table = table;
    }

    /** Writes the blocks requested before {@link #attach} into the trie. */
    void writePending() {
        pending.forEach(table::block);
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
            pending.put(cidr, duration);
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

    /** The entries in force; before load, the pending blocks, without their expiry. */
    List<BlockedEntry> entries() {
        if (table == null) {
            return pending.keySet().stream().map(c -> new BlockedEntry(c.toString(), Optional.empty(), 0)).toList();
        }
        return table.entries();
    }
}

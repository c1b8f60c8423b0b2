package io.deetune.firewall.internal;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timer's task that removes expired blocklist entries once the earliest one is due, so that
 * Blocklist.block(cidr, Duration) callers do not fill the trie, and the stage skips the lookup again once the last
 * entry is gone. Correctness does not wait for it: the stage already steps past expired entries. The trie is fetched
 * under the stage's lock and walked without it: a walk of a large trie must not hold up the commands.
 */
final class BlocklistSweep implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(BlocklistSweep.class);

    /** The stage's trie, read under the stage's lock; null while the stage is not loaded. */
    private final Supplier<BlocklistTable> table;
    /** How long until the timer runs this again, for the log line of a failure. */
    private final long periodSeconds;

    BlocklistSweep(Supplier<BlocklistTable> table, long periodSeconds) {
        this.table = table;
        this.periodSeconds = periodSeconds;
    }

    @Override
    public void run() {
        BlocklistTable trie = table.get();
        try {
            if (trie != null && trie.nextExpiry() <= System.nanoTime()) {
                trie.purgeExpired();
            }
        } catch (RuntimeException e) {
            // Logged, not thrown: an exception would cancel the timer's task for good.
            LOG.warn("firewall blocklist purge failed, retried in {} s: {}", periodSeconds, e.getMessage());
        }
    }
}

package io.deetune.lb.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.TypedMap;
import io.deetune.lb.Protocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass of the connection table sweep: expires idle and closed client flows with their return entries, and
 * counts each backend's live flows. It runs without the engine's lock, on a {@link FlowOwners} snapshot and
 * {@link ConnectionTables} of its own. A table is read and cleaned chunk by chunk: one batch lookup, then one batch
 * delete of the chunk's expired flows and one of their return entries, so the two entries of an expired flow leave
 * within a chunk's time of each other, and a few syscalls cover thousands of flows.
 *
 * <p>{@link #sweep} takes the table and its idle limits, so a second table of client flows (e.g. flows not
 * established yet, with a shorter limit) is swept by a second call of the same pass; the live counts add up.
 */
final class FlowSweep {

    /** How long a flow may stay idle (neither side sending) before the sweep expires it. */
    @FunctionalInterface
    interface IdleLimit {
        Duration of(FlowKey key, FlowEntry flow);
    }

    /** The limits of the established-flow table: closed flows linger, open ones expire by protocol. */
    static IdleLimit idleLimit(Duration tcpIdle, Duration udpIdle, Duration closedLinger) {
        return (key, flow) -> flow.closed() ? closedLinger : key.protocol() == Protocol.TCP.number() ? tcpIdle : udpIdle;
    }

    private final FlowOwners owners;
    private final ConnectionTables tables;
    private final long now;
    private final int chunk;
    private final Map<Integer, Long> live = new HashMap<>();

    /** {@code now}: the {@code System.nanoTime()} (the kernel's monotonic clock) when {@code owners} was taken. */
    FlowSweep(FlowOwners owners, ConnectionTables tables, long now, int chunk) {
        this.owners = owners;
        this.tables = tables;
        this.now = now;
        this.chunk = chunk;
        owners.backends().keySet().forEach(id -> live.put(id, 0L));
    }

    /** Sweeps one table of client flows and its return entries ({@code replyTable}); returns the flows it deleted. */
    int sweep(TypedMap<FlowKey, FlowEntry> table, BpfMap replyTable, IdleLimit limit) {
        int[] expired = {0};
        table.forEachChunk(chunk, entries -> {
            List<FlowKey> flows = new ArrayList<>();
            List<byte[]> replies = new ArrayList<>();
            entries.forEach((key, flow) -> {
                if (expires(key, flow, limit, replyTable, replies)) {
                    flows.add(key);
                }
            });
            expired[0] += table.removeAll(flows);
            replyTable.deleteBatch(replies);
        });
        return expired[0];
    }

    /** Live (not closed, not expired) flows per backend id of the snapshot, from every table swept. */
    Map<Integer, Long> liveFlows() {
        return Map.copyOf(live);
    }

    /** Whether the flow expires; adds its return entry's key to {@code replies} then. Counts it live otherwise. */
    private boolean expires(FlowKey key, FlowEntry flow, IdleLimit limit, BpfMap replyTable, List<byte[]> replies) {
        if (!owners.owned(flow)) {
            // Left over from a service or backend removed before the snapshot: it goes. Unless it is adopted state
            // whose configuration may still return, or was created after the snapshot (by a service or backend
            // added meanwhile, which the next pass will know).
            return !owners.awaitsItsConfiguration(flow) && flow.createdNanos() - now <= 0;
        }
        long limitNanos = nanos(limit.of(key, flow));
        // Most flows are busy: only one whose client side is idle needs its reply side looked up.
        if (idle(flow.lastSeenNanos()) <= limitNanos) {
            countLive(flow);
            return false;
        }
        FlowKey reply = owners.replyKey(key, flow);
        if (idle(tables.replyLastSeen(replyTable, reply)) <= limitNanos) {
            countLive(flow);
            return false;
        }
        replies.add(FlowKey.CODEC.toBytes(reply));
        return true;
    }

    private void countLive(FlowEntry flow) {
        if (!flow.closed()) {
            live.merge(flow.backendId(), 1L, Long::sum);
        }
    }

    private long idle(long lastSeenNanos) {
        return Math.max(0, now - lastSeenNanos);
    }

    private static long nanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}

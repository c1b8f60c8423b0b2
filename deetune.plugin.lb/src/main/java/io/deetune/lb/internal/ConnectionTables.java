package io.deetune.lb.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.TypedMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Descriptors of its own to the stage's connection tables ({@code lb_flows}, {@code lb_replies}, and the half-open
 * {@code lb_half_open}, {@code lb_half_open_replies}), for a walk that
 * runs without the engine's lock: the stage may be unloaded and its object closed meanwhile, and the kernel keeps a
 * map while a descriptor is open, so the walk never reaches a closed (or since reused) descriptor number. Open them
 * while the engine holds the stage's maps.
 */
final class ConnectionTables implements AutoCloseable {

    private final List<BpfMap> opened;
    private final BpfMap replies;
    private final BpfMap halfOpenReplies;
    private final TypedMap<FlowKey, FlowEntry> flows;
    private final TypedMap<FlowKey, FlowEntry> halfOpen;

    private ConnectionTables(List<BpfMap> opened) {
        this.opened = opened;
        this.flows = opened.get(0).typed(FlowKey.CODEC, FlowEntry.CODEC);
        this.replies = opened.get(1);
        this.halfOpen = opened.get(2).typed(FlowKey.CODEC, FlowEntry.CODEC);
        this.halfOpenReplies = opened.get(3);
    }

    static ConnectionTables open(LbMaps maps) {
        List<BpfMap> opened = new ArrayList<>();
        try {
            for (BpfMap map : List.of(maps.flows.map(), maps.replies, maps.halfOpen.map(), maps.halfOpenReplies)) {
                opened.add(BpfMap.fromId(map.id()));
            }
            return new ConnectionTables(opened);
        } catch (RuntimeException e) {
            opened.forEach(BpfMap::close);
            throw e;
        }
    }

    /** Half-open client flow (SYN seen, handshake not completed) -> backend. */
    TypedMap<FlowKey, FlowEntry> halfOpen() {
        return halfOpen;
    }

    /** The return entries of the half-open flows. */
    BpfMap halfOpenReplies() {
        return halfOpenReplies;
    }

    /** Client flow -> backend. */
    TypedMap<FlowKey, FlowEntry> flows() {
        return flows;
    }

    /** Backend reply -> client flow; the value's layout depends on the key's address family. */
    BpfMap replies() {
        return replies;
    }

    /** When the backend side of a flow last sent (0 when the flow has no return entry in {@code replies}). */
    long replyLastSeen(BpfMap replies, FlowKey reply) {
        return replies.typed(FlowKey.CODEC, ReplyEntry.of(Wire.family(reply.source())))
                .get(reply).map(ReplyEntry::lastSeenNanos).orElse(0L);
    }

    @Override
    public void close() {
        opened.forEach(BpfMap::close);
    }
}

package io.deetune.lb.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.TypedMap;

/**
 * Descriptors of its own to the stage's connection tables ({@code lb_flows}, {@code lb_replies}), for a walk that
 * runs without the engine's lock: the stage may be unloaded and its object closed meanwhile, and the kernel keeps a
 * map while a descriptor is open, so the walk never reaches a closed (or since reused) descriptor number. Open them
 * while the engine holds the stage's maps.
 */
final class ConnectionTables implements AutoCloseable {

    private final BpfMap flowMap;
    private final BpfMap replies;
    private final TypedMap<FlowKey, FlowEntry> flows;

    private ConnectionTables(BpfMap flowMap, BpfMap replies) {
        this.flowMap = flowMap;
        this.replies = replies;
        this.flows = flowMap.typed(FlowKey.CODEC, FlowEntry.CODEC);
    }

    static ConnectionTables open(LbMaps maps) {
        BpfMap flows = BpfMap.fromId(maps.flows.map().id());
        try {
            return new ConnectionTables(flows, BpfMap.fromId(maps.replies.id()));
        } catch (RuntimeException e) {
            flows.close();
            throw e;
        }
    }

    /** Client flow -> backend. */
    TypedMap<FlowKey, FlowEntry> flows() {
        return flows;
    }

    /** Backend reply -> client flow; the value's layout depends on the key's address family. */
    BpfMap replies() {
        return replies;
    }

    /** When the backend side of a flow last sent (0 when the flow has no return entry). */
    long replyLastSeen(FlowKey reply) {
        return replies.typed(FlowKey.CODEC, Wire.family(reply.source()) == Wire.FAMILY_IPV4 ? ReplyEntry.IPV4 : ReplyEntry.IPV6)
                .get(reply).map(ReplyEntry::lastSeenNanos).orElse(0L);
    }

    @Override
    public void close() {
        flowMap.close();
        replies.close();
    }
}

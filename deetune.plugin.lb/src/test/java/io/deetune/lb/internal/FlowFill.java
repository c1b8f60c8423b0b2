package io.deetune.lb.internal;

import io.deetune.lb.Backend;
import io.deetune.lb.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes established TCP flows of one service into the connection tables straight from Java (batch updates), as
 * many clients would have opened them: client {@code i} is 10.9.x.y:(1024 + i % 64) (unique up to 2^22 clients),
 * bound to backend {@code i % backends.size()}, whose kernel id is its index (as the first service an engine installs
 * gets them), each flow with its return entry. Times are {@code System.nanoTime()} values.
 */
final class FlowFill {

    static final InetAddress VIP = InetAddress.ofLiteral("10.0.0.100");

    private final LbMaps maps;
    private final List<Backend> backends;
    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();
    private final List<byte[]> replyKeys = new ArrayList<>();
    private final List<byte[]> replyValues = new ArrayList<>();

    FlowFill(LbMaps maps, List<Backend> backends) {
        this.maps = maps;
        this.backends = backends;
    }

    static FlowKey client(int i) {
        InetAddress client = InetAddress.ofLiteral("10.9." + ((i >> 14) & 0xff) + "." + ((i >> 6) & 0xff));
        return new FlowKey(client, VIP, 1024 + (i & 63), 80, Protocol.TCP.number());
    }

    /** The key of client {@code i}'s return entry. */
    FlowKey reply(int i) {
        FlowKey client = client(i);
        Backend backend = backends.get(i % backends.size());
        return new FlowKey(backend.address(), client.source(), backend.port(), client.sourcePort(), client.protocol());
    }

    /** Adds clients {@code [from, to)} of service id {@code serviceId}. */
    FlowFill add(int from, int to, int serviceId, long created, long clientLastSeen, long backendLastSeen) {
        for (int i = from; i < to; i++) {
            FlowKey key = client(i);
            int backendId = i % backends.size();
            keys.add(FlowKey.CODEC.toBytes(key));
            values.add(FlowEntry.CODEC.toBytes(new FlowEntry(created, clientLastSeen, backendId, serviceId, 0, 0)));
            replyKeys.add(FlowKey.CODEC.toBytes(reply(i)));
            replyValues.add(ReplyEntry.IPV4.toBytes(new ReplyEntry(VIP, key.source(), 80, key.sourcePort(), backendId, backendLastSeen)));
        }
        return this;
    }

    /** Writes what was added, with one batch update per table. */
    void write() {
        maps.flows.map().updateBatch(keys, values, 0);
        maps.replies.updateBatch(replyKeys, replyValues, 0);
        keys.clear();
        values.clear();
        replyKeys.clear();
        replyValues.clear();
    }
}

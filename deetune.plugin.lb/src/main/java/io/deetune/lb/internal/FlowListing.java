package io.deetune.lb.internal;

import io.deetune.lb.Backend;
import io.deetune.lb.Flow;
import io.deetune.lb.Protocol;
import io.deetune.lb.VirtualService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The flows of the connection tables as {@code lb:flows} shows them. Like the sweep's walk it runs without the
 * engine's lock, on a {@link FlowOwners} snapshot and {@link ConnectionTables} of its own.
 */
final class FlowListing {

    private FlowListing() {}

    /**
     * The flows of one service, or of all when {@code service} is null: the half-open ones younger than
     * {@code halfOpenNanos} (older ones are the sweep's to remove), then the established ones.
     */
    static List<Flow> list(FlowOwners owners, ConnectionTables tables, long halfOpenNanos, String service) {
        List<Flow> result = new ArrayList<>();
        long now = System.nanoTime();
        tables.halfOpen().forEach((key, flow) -> {
            if (now - flow.createdNanos() <= halfOpenNanos) {
                describe(owners, service, key, flow, "half-open", now, flow::lastSeenNanos).ifPresent(result::add);
            }
        });
        tables.flows().forEach((key, flow) -> describe(owners, service, key, flow, flow.state(), now,
                () -> Math.max(flow.lastSeenNanos(), tables.replyLastSeen(tables.replies(), owners.replyKey(key, flow))))
                .ifPresent(result::add));
        return result;
    }

    /**
     * A flow as {@code lb:flows} shows it; empty when it belongs to no configured service or to another than
     * {@code service}. {@code lastSeen} is asked only for flows shown (it may look up the return entry).
     */
    private static Optional<Flow> describe(FlowOwners owners, String service, FlowKey key, FlowEntry flow, String state,
                                           long now, LongSupplier lastSeen) {
        if (!owners.owned(flow)) {
            return Optional.empty();
        }
        VirtualService owner = owners.services().get(flow.serviceId());
        if (service != null && !service.equals(owner.name())) {
            return Optional.empty();
        }
        Backend backend = owners.backends().get(flow.backendId());
        return Optional.of(new Flow(owner.name(), key.protocol() == Protocol.TCP.number() ? Protocol.TCP : Protocol.UDP,
                key.source(), key.sourcePort(), key.destination(), key.destinationPort(), backend.address(),
                backend.port(), state, Duration.ofNanos(now - flow.createdNanos()).toMillis(),
                Duration.ofNanos(Math.max(0, now - lastSeen.getAsLong())).toMillis()));
    }
}

package io.deetune.lb.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.core.api.StageMaps;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the connection tables across a reload that gives the stage new ones: a {@code flowTableSize} change is a
 * new map definition, so the core hands {@code loaded()} new, empty tables. On {@code unloading()} this holds a
 * descriptor of each old table (the kernel keeps a map while a descriptor is open, even once it is unpinned); on the
 * next {@code loaded()} with other tables it copies the flows over, so established connections keep their backends.
 * A reload that reuses the same tables (the common case) copies nothing.
 */
final class FlowCarryOver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FlowCarryOver.class);
    /** The tables whose sizes are flowTableSize and halfOpenTableSize (see {@link LbStage#configure}). */
    static final List<String> TABLES = List.of("lb_flows", "lb_replies", "lb_half_open", "lb_half_open_replies");

    private final Map<String, BpfMap> held = new HashMap<>();

    /** The stage's maps are about to be let go of: keep its connection tables open until the next load. */
    synchronized void hold(StageMaps maps) {
        close();
        for (String name : TABLES) {
            held.put(name, BpfMap.fromId(maps.map(name).id()));
        }
    }

    /** The stage loaded with {@code maps}: copies what the held tables have into tables that are new. */
    synchronized int carryInto(StageMaps maps) {
        int carried = 0;
        for (String name : TABLES) {
            BpfMap old = held.get(name);
            BpfMap fresh = maps.map(name);
            if (old == null || old.id() == fresh.id()) {
                continue;
            }
            int[] copied = {0};
            int[] found = {0};
            old.lookupBatches(BpfMap.BATCH_CHUNK, batch -> {
                found[0] += batch.size();
                int room = Math.min(batch.size(), fresh.maxEntries() - copied[0]);
                if (room > 0) {
                    fresh.updateBatch(batch.keys().subList(0, room), batch.values().subList(0, room), 0);
                    copied[0] += room;
                }
            });
            carried += copied[0];
            LOG.info("lb: {} of {} entries of {} carried into its new table ({} entries)", copied[0], found[0], name,
                    fresh.maxEntries());
        }
        close();
        return carried;
    }

    @Override
    public synchronized void close() {
        held.values().forEach(BpfMap::close);
        held.clear();
    }
}

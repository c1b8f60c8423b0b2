package io.deetune.discard.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.TypedMap;
import io.deetune.discard.DiscardPort;
import io.deetune.discard.PortHits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The stage's {@code discard_ports} map: which ports it drops (a key present) and their per-CPU hits (the value).
 * Writing a port list deletes the ports no longer in it and adds the new ones with zeroed counters; a port in both
 * keeps its counters, also across reloads of the stage (the map is pinned).
 */
final class PortTable {

    /** DISCARD_MAX_PORTS of discard_consts.h: the map's size. */
    static final int MAX_PORTS = 256;

    private final TypedMap<PortKey, PortCounter> ports;

    PortTable(BpfMap map) {
        this.ports = map.typed(PortKey.CODEC, PortCounter.CODEC);
    }

    /** Makes the map hold exactly {@code wanted}; deletions first, so the map never holds more than its size. */
    void write(List<DiscardPort> wanted) {
        Set<PortKey> keep = new HashSet<>();
        wanted.forEach(port -> keep.add(new PortKey(port)));
        Set<PortKey> present = new HashSet<>();
        for (byte[] key : ports.map().keys()) {
            present.add(PortKey.CODEC.fromBytes(key));
        }
        for (PortKey key : present) {
            if (!keep.contains(key)) {
                ports.remove(key);
            }
        }
        List<byte[]> added = new ArrayList<>();
        for (PortKey key : keep) {
            if (!present.contains(key)) {
                added.add(PortKey.CODEC.toBytes(key));
            }
        }
        ports.map().updateBatchEveryCpu(added, added.stream().map(k -> PortCounter.CODEC.toBytes(PortCounter.ZERO)).toList(),
                BpfMap.NOEXIST);
    }

    /** The hits of each of {@code ports}, summed over the CPUs (zero for a port the map does not hold). */
    List<PortHits> hits(List<DiscardPort> of) {
        return of.stream().map(port -> {
            PortCounter sum = ports.getSummed(new PortKey(port), PortCounter::plus).orElse(PortCounter.ZERO);
            return new PortHits(port, sum.packets(), sum.bytes());
        }).toList();
    }
}

package io.deetune.core.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.Codec;
import io.deetune.bpf.MapType;
import io.deetune.core.api.StageStats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The statistics of one pipeline: the per-CPU counters by slot that every program of the chain shares
 * ({@code deetune_stats}, pinned {@code stats}; slot 0 is the dispatcher's), and {@code stage_meta}, which records
 * each stage's slot and priority so that a restart adopts the chain with its counters.
 */
final class StatisticsSlots implements AutoCloseable {

    static final int STAGE_META_ENTRIES = 64;
    private static final int NAME_BYTES = 16;
    private static final int COUNTERS = 6;

    /** A stage's slot (0: none yet) and priority as stage_meta records them. */
    record Meta(int slot, int priority) {}

    private final String pipeline;
    private final BpfMap stats;
    private final BpfMap stageMeta;

    private StatisticsSlots(String pipeline, BpfMap stats, BpfMap stageMeta) {
        this.pipeline = pipeline;
        this.stats = stats;
        this.stageMeta = stageMeta;
    }

    /** Opens the pinned statistics map (the dispatcher's load pinned it) and stage_meta, creating the latter if missing. */
    static StatisticsSlots open(PipelineFolder folder, String pipeline) {
        BpfMap stats = BpfMap.openPinned(folder.resolve("stats"));
        try {
            Path pin = folder.resolve("stage_meta");
            BpfMap meta;
            if (Files.exists(pin)) {
                meta = BpfMap.openPinned(pin);
            } else {
                meta = BpfMap.create(MapType.HASH, "deetune_meta", NAME_BYTES, 8, STAGE_META_ENTRIES, 0);
                meta.pin(pin);
            }
            return new StatisticsSlots(pipeline, stats, meta);
        } catch (RuntimeException e) {
            stats.close();
            throw e;
        }
    }

    /** The shared counters map, for the programs of the chain to reuse. */
    BpfMap stats() {
        return stats;
    }

    /**
     * The slot of {@code stage}: the one it had, or the first free one (zeroed, so a fresh slot starts from zero even
     * if an earlier stage left counts in it); records it with the priority.
     */
    int slotFor(String stage, int priority) {
        int slot = meta(stage).slot();
        if (slot == 0) {
            boolean[] used = new boolean[STAGE_META_ENTRIES];
            used[0] = true;
            for (byte[] key : stageMeta.keys()) {
                stageMeta.lookup(key).ifPresent(v -> used[Codec.U32.fromBytes(v)] = true);
            }
            while (slot < STAGE_META_ENTRIES && used[slot]) {
                slot++;
            }
            if (slot == STAGE_META_ENTRIES) {
                throw new IllegalStateException("pipeline '" + pipeline + "' has no free statistics slot (at most "
                        + (STAGE_META_ENTRIES - 1) + " stages)");
            }
            byte[][] zeros = new byte[BpfMap.possibleCpus()][stats.valueSize()];
            for (int cpu = 0; cpu < zeros.length; cpu++) {
                zeros[cpu] = new byte[stats.valueSize()];
            }
            stats.updatePerCpu(Codec.U32.toBytes(slot), zeros, BpfMap.ANY);
        }
        stageMeta.update(nameKey(stage), ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(slot).putInt(priority).array());
        return slot;
    }

    /** What stage_meta records for {@code stage}; slot 0 when it has none yet. */
    Meta meta(String stage) {
        return stageMeta.lookup(nameKey(stage)).map(v -> {
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
            return new Meta(b.getInt(), b.getInt());
        }).orElse(new Meta(0, 0));
    }

    private static byte[] nameKey(String stage) {
        byte[] key = new byte[NAME_BYTES];
        byte[] name = stage.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, key, 0, Math.min(name.length, NAME_BYTES - 1));
        return key;
    }

    /** The counters of {@code slot}, summed over the CPUs. */
    StageStats of(int slot) {
        return stats.lookupPerCpu(Codec.U32.toBytes(slot)).map(perCpu -> {
            long[] sum = new long[COUNTERS];
            for (byte[] value : perCpu) {
                ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += b.getLong();
                }
            }
            return new StageStats(sum[0], sum[1], sum[2], sum[3], sum[4], sum[5]);
        }).orElse(StageStats.ZERO);
    }

    @Override
    public void close() {
        stats.close();
        stageMeta.close();
    }
}

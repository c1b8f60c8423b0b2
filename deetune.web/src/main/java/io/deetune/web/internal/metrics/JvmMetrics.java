package io.deetune.web.internal.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * The JVM's basics under the names the Prometheus client's JVM module uses (memory, threads, GC, uptime), read from
 * java.lang.management. That module itself needs {@code com.sun.management}, which Karaf does not export to bundles.
 */
final class JvmMetrics implements MultiCollector {

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        String help = "Bytes of the JVM's memory areas";
        f.gauge("jvm_memory_used_bytes", help, heap.getUsed(), "area", "heap");
        f.gauge("jvm_memory_used_bytes", help, nonHeap.getUsed(), "area", "nonheap");
        f.gauge("jvm_memory_committed_bytes", help, heap.getCommitted(), "area", "heap");
        f.gauge("jvm_memory_committed_bytes", help, nonHeap.getCommitted(), "area", "nonheap");
        f.gauge("jvm_memory_max_bytes", help, heap.getMax(), "area", "heap");
        f.gauge("jvm_threads_current", "Live threads of the JVM", ManagementFactory.getThreadMXBean().getThreadCount());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            f.counter("jvm_gc_collections", "Collections of a garbage collector", Math.max(0, gc.getCollectionCount()), "gc", gc.getName());
            f.counter("jvm_gc_collection_seconds", "Time a garbage collector spent collecting", Math.max(0, gc.getCollectionTime()) / 1000.0, "gc", gc.getName());
        }
        f.gauge("process_uptime_seconds", "Time since the JVM started", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
        f.gauge("jvm_available_processors", "Processors the JVM may use", Runtime.getRuntime().availableProcessors());
        return new MetricSnapshots(f.snapshots());
    }
}

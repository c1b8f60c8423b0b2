package io.deetune.web.internal.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one scrape's metric families from values read at scrape time: a counter or gauge family by name, its data
 * points added with their labels as the collector walks the plugin's status.
 */
final class Families {

    private record Family(String help, boolean counter, List<Object> points) {}

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** Adds a point to counter family {@code name} (without {@code _total}: the text format appends it). */
    Families counter(String name, String help, double value, String... labels) {
        families.computeIfAbsent(name, n -> new Family(help, true, new ArrayList<>())).points()
                .add(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
        return this;
    }

    Families gauge(String name, String help, double value, String... labels) {
        families.computeIfAbsent(name, n -> new Family(help, false, new ArrayList<>())).points()
                .add(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
        return this;
    }

    List<MetricSnapshot> snapshots() {
        List<MetricSnapshot> all = new ArrayList<>();
        families.forEach((name, family) -> {
            if (family.counter()) {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(family.help());
                family.points().forEach(p -> b.dataPoint((CounterSnapshot.CounterDataPointSnapshot) p));
                all.add(b.build());
            } else {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(family.help());
                family.points().forEach(p -> b.dataPoint((GaugeSnapshot.GaugeDataPointSnapshot) p));
                all.add(b.build());
            }
        });
        return all;
    }
}

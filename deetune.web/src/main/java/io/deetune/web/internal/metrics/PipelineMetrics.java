package io.deetune.web.internal.metrics;

import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Pipelines;
import io.deetune.core.api.StageInfo;
import io.deetune.core.api.StageStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Per pipeline and stage: packets by verdict, read from the pipelines' statistics maps at scrape time. */
@Component(service = MultiCollector.class, property = MetricsServlet.COLLECTOR + "=true")
public final class PipelineMetrics implements MultiCollector {

    private static final String PACKETS = "deetune_stage_packets";
    private static final String HELP = "Packets a stage of a pipeline ended with each verdict (continue: to the next stage)";

    private final Pipelines pipelines;

    @Activate
    public PipelineMetrics(@Reference Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    @Override
    public MetricSnapshots collect() {
        Families families = new Families();
        for (PipelineInfo p : pipelines.list()) {
            families.gauge("deetune_pipeline_interfaces", "Interfaces a pipeline is attached to", p.interfaces().size(),
                    "pipeline", p.name(), "hook", p.hook().id());
            for (StageInfo s : p.chain()) {
                StageStats st = s.stats();
                String[] verdicts = {"continue", "pass", "drop", "tx", "redirect", "aborted"};
                long[] values = {st.continued(), st.passed(), st.dropped(), st.tx(), st.redirected(), st.aborted()};
                for (int i = 0; i < verdicts.length; i++) {
                    families.counter(PACKETS, HELP, values[i], "pipeline", p.name(), "stage", s.name(), "verdict", verdicts[i]);
                }
            }
        }
        return new MetricSnapshots(families.snapshots());
    }
}

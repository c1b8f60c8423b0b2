package io.deetune.core.command;

import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Pipelines;
import io.deetune.core.api.StageInfo;
import io.deetune.core.api.StageStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "deetune", name = "stats", description = "Packet counters per pipeline and stage; with --watch, rates refreshed until Ctrl-C.")
@Service
public class StatsCommand implements Action {

    @Reference
    Pipelines pipelines;

    @Argument(index = 0, name = "pipeline", description = "Only this pipeline", required = false)
    @Completion(PipelineCompleter.class)
    String pipeline;

    @Option(name = "--watch", aliases = "-w", description = "Refresh every N seconds (default 1) and show packets per second")
    boolean watch;

    @Option(name = "--interval", aliases = "-i", description = "Seconds between refreshes with --watch")
    int interval = 1;

    @Override
    public Object execute() throws InterruptedException {
        Map<String, StageStats> previous = new HashMap<>();
        do {
            ShellTable table = new ShellTable();
            for (String column : List.of("Pipeline", "Stage", "In", "Drop", "Pass", "TX", "Redirect", "In/s", "Drop/s")) {
                table.column(column);
            }
            for (PipelineInfo p : Selection.pipelines(pipelines, pipeline)) {
                for (StageInfo s : p.chain()) {
                    String key = p.name() + "/" + s.name();
                    StageStats last = previous.put(key, s.stats());
                    String inRate = last == null ? "" : Long.toString((s.stats().in() - last.in()) / Math.max(1, interval));
                    String dropRate = last == null ? "" : Long.toString((s.stats().dropped() - last.dropped()) / Math.max(1, interval));
                    table.addRow().addContent(p.name(), s.name(), s.stats().in(), s.stats().dropped(), s.stats().passed(),
                            s.stats().tx(), s.stats().redirected(), inRate, dropRate);
                }
            }
            table.print(System.out);
            if (watch) {
                Thread.sleep(Math.max(1, interval) * 1000L);
                System.out.println();
            }
        } while (watch && !Thread.currentThread().isInterrupted());
        return null;
    }
}

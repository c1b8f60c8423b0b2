package io.deetune.core.command;

import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Pipelines;
import io.deetune.core.api.StageInfo;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "deetune", name = "stages", description = "Shows the chain of each pipeline in order: program ids, priorities and counters.")
@Service
public class StagesCommand implements Action {

    @Reference
    Pipelines pipelines;

    @Argument(index = 0, name = "pipeline", description = "Only this pipeline", required = false)
    @Completion(PipelineCompleter.class)
    String pipeline;

    @Override
    public Object execute() {
        List<PipelineInfo> selected = Selection.pipelines(pipelines, pipeline);
        for (PipelineInfo p : selected) {
            System.out.println("Pipeline " + p.name() + " (" + p.hook().id() + ")");
            ShellTable table = new ShellTable();
            for (String column : List.of("#", "Stage", "Priority", "Prog id", "State", "In", "Continue", "Pass", "Drop", "TX", "Redirect", "Aborted")) {
                table.column(column);
            }
            int position = 0;
            for (StageInfo s : p.chain()) {
                table.addRow().addContent(position++, s.name(),
                        s.priority() == Integer.MIN_VALUE ? "-" : Integer.toString(s.priority()), s.programId(),
                        s.adopted() ? "adopted" : "live", s.stats().in(), s.stats().continued(), s.stats().passed(),
                        s.stats().dropped(), s.stats().tx(), s.stats().redirected(), s.stats().aborted());
            }
            table.print(System.out);
        }
        return null;
    }
}

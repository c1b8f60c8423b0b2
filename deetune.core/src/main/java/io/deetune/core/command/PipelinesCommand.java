package io.deetune.core.command;

import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Pipelines;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "deetune", name = "pipelines", description = "Lists the pipelines: hook, interfaces, stages and problems.")
@Service
public class PipelinesCommand implements Action {

    @Reference
    Pipelines pipelines;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Hook");
        table.column("Mode");
        table.column("Interfaces");
        table.column("Stages");
        table.column("Problems");
        for (PipelineInfo p : pipelines.list()) {
            table.addRow().addContent(p.name(), p.hook().id(), p.xdpMode(), String.join(", ", p.interfaces()),
                    Math.max(0, p.chain().size() - 1), p.problems().isEmpty() ? "" : String.join("; ", p.problems().keySet()));
        }
        table.print(System.out);
        for (PipelineInfo p : pipelines.list()) {
            p.problems().forEach((subject, problem) ->
                    System.out.println(p.name() + ": " + subject + ": " + problem.lines().findFirst().orElse("")));
        }
        return null;
    }
}

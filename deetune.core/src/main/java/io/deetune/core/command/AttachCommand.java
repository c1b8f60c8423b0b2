package io.deetune.core.command;

import io.deetune.core.api.Pipelines;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "deetune", name = "attach", description = "Attaches a pipeline to an interface (creating an XDP pipeline if none has that name); saved in the pipeline's configuration.")
@Service
public class AttachCommand implements Action {

    @Reference
    Pipelines pipelines;

    @Argument(index = 0, name = "pipeline", required = true, description = "Pipeline name")
    @Completion(PipelineCompleter.class)
    String pipeline;

    @Argument(index = 1, name = "interface", required = true, description = "[namespace:]ifname")
    @Completion(InterfaceCompleter.class)
    String iface;

    @Override
    public Object execute() {
        pipelines.attach(pipeline, iface);
        System.out.println("Pipeline " + pipeline + ": attaching to " + iface);
        return null;
    }
}

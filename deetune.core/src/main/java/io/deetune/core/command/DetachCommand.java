package io.deetune.core.command;

import io.deetune.core.api.Pipelines;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "deetune", name = "detach", description = "Detaches a pipeline from an interface; without an interface, removes the pipeline from the kernel and its configuration.")
@Service
public class DetachCommand implements Action {

    @Reference
    Pipelines pipelines;

    @Argument(index = 0, name = "pipeline", required = true, description = "Pipeline name")
    @Completion(PipelineCompleter.class)
    String pipeline;

    @Argument(index = 1, name = "interface", required = false, description = "[namespace:]ifname; omit to remove the pipeline")
    @Completion(InterfaceCompleter.class)
    String iface;

    @Override
    public Object execute() {
        pipelines.detach(pipeline, iface);
        System.out.println(iface == null ? "Pipeline " + pipeline + " removed" : "Pipeline " + pipeline + ": detaching from " + iface);
        return null;
    }
}

package io.deetune.core.command;

import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Pipelines;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes pipeline names. */
@Service
public class PipelineCompleter implements Completer {

    @Reference
    Pipelines pipelines;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter(pipelines.list().stream().map(PipelineInfo::name).toList());
        return names.complete(session, commandLine, candidates);
    }
}

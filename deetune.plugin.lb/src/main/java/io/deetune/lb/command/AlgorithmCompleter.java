package io.deetune.lb.command;

import io.deetune.lb.Algorithm;
import java.util.Arrays;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes algorithm names. */
@Service
public class AlgorithmCompleter implements Completer {

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(Arrays.stream(Algorithm.values()).map(Algorithm::id).toList()).complete(session, commandLine, candidates);
    }
}

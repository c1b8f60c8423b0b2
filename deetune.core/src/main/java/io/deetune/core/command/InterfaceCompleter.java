package io.deetune.core.command;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the host's interface names and the named network namespaces (as {@code ns:}). */
@Service
public class InterfaceCompleter implements Completer {

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> values = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                values.add(nic.getName());
            }
        } catch (SocketException e) {
            // no host interfaces to offer
        }
        Path netns = Path.of("/var/run/netns");
        if (Files.isDirectory(netns)) {
            try (Stream<Path> names = Files.list(netns)) {
                names.forEach(ns -> values.add(ns.getFileName() + ":"));
            } catch (IOException e) {
                // no namespaces to offer
            }
        }
        return new StringsCompleter(values).complete(session, commandLine, candidates);
    }
}

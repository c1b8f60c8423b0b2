package io.deetune.discard.command;

import io.deetune.discard.Discard;
import io.deetune.discard.DiscardPort;
import io.deetune.discard.PortHits;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "discard", name = "hits", description = "The discarded ports and the packets and bytes dropped at each.")
public class HitsCommand implements Action {

    @Reference
    Discard discard;

    @Argument(index = 0, name = "port", description = "only this port, e.g. udp/9")
    @Completion(PortCompleter.class)
    String port;

    @Override
    public Object execute() {
        List<DiscardPort> shown = discard.ports();
        if (port != null) {
            DiscardPort wanted;
            try {
                wanted = DiscardPort.parse(port);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("port: " + e.getMessage());
            }
            if (!shown.contains(wanted)) {
                throw new IllegalArgumentException("port: " + wanted + " is not discarded (ports in force: "
                        + (shown.isEmpty() ? "none" : shown) + ")");
            }
            shown = List.of(wanted);
        }
        Optional<List<PortHits>> hits = discard.hits();
        Map<DiscardPort, PortHits> byPort = new HashMap<>();
        hits.ifPresent(all -> all.forEach(h -> byPort.put(h.port(), h)));
        ShellTable table = new ShellTable();
        table.column("Port");
        table.column("Packets").alignRight();
        table.column("Bytes").alignRight();
        for (DiscardPort p : shown) {
            PortHits h = byPort.get(p);
            table.addRow().addContent(p, h == null ? "-" : h.packets(), h == null ? "-" : h.bytes());
        }
        if (shown.isEmpty()) {
            System.out.println("no port is discarded (" + Discard.PID + ", " + Discard.PORTS + ")");
        } else {
            table.print(System.out);
        }
        if (hits.isEmpty()) {
            System.out.println("the discard stage is not loaded into any pipeline yet");
        }
        discard.problem().ifPresent(problem -> System.out.println("configuration refused: " + problem));
        return null;
    }
}

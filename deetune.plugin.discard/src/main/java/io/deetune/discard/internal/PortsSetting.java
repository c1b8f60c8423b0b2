package io.deetune.discard.internal;

import io.deetune.discard.Discard;
import io.deetune.discard.DiscardPort;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The {@value Discard#PORTS} property: comma-separated {@code <tcp|udp>/<port>} entries. */
final class PortsSetting {

    private PortsSetting() {}

    /**
     * The ports of the property's value, in its order, each once.
     *
     * @throws IllegalArgumentException naming the property and the entry at fault; nothing of the value applies
     */
    static List<DiscardPort> parse(String value) {
        Set<DiscardPort> ports = new LinkedHashSet<>();
        for (String entry : (value == null ? "" : value).split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                ports.add(DiscardPort.parse(entry));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(Discard.PORTS + ": " + e.getMessage());
            }
        }
        if (ports.size() > PortTable.MAX_PORTS) {
            throw new IllegalArgumentException(Discard.PORTS + ": " + ports.size() + " ports given, the stage holds at most "
                    + PortTable.MAX_PORTS);
        }
        return new ArrayList<>(ports);
    }
}

package io.deetune.discard;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The discard stage: TCP and UDP packets to the ports of its configuration are dropped and counted per port, every
 * other packet continues the chain. The ports are desired state, kept in the configuration {@value #PID} (Config
 * Admin, {@code etc/io.deetune.discard.cfg}, property {@value #PORTS}); the counters are runtime state, read here.
 * A configuration with any bad entry is refused whole and the ports in force stay ({@link #problem()} says why).
 */
@ProviderType
public interface Discard {

    /** The configuration PID of the discard stage. */
    String PID = "io.deetune.discard";
    /** Configuration property: the ports to discard, {@code udp/9, tcp/9} (see {@link DiscardPort#parse}). */
    String PORTS = "ports";

    /** The ports discarded now, in the order of the configuration. */
    List<DiscardPort> ports();

    /**
     * The hits of every port in force, summed over the CPUs and read at one moment, in the order of {@link #ports()};
     * empty while the stage is in no pipeline (it has no map to count in yet).
     */
    Optional<List<PortHits>> hits();

    /** Why the last configuration was refused (field and value named), or empty when it was applied. */
    Optional<String> problem();
}

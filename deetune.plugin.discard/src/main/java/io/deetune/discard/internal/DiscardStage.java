package io.deetune.discard.internal;

import io.deetune.core.api.ConfigText;
import io.deetune.core.api.Hook;
import io.deetune.core.api.Stage;
import io.deetune.core.api.StageMaps;
import io.deetune.discard.Discard;
import io.deetune.discard.DiscardPort;
import io.deetune.discard.PortHits;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The discard stage: contributes discard.bpf.o to the XDP pipelines (or discard_tc.bpf.o to the tc-ingress ones,
 * configured by {@code deetune.stage.hook}) at priority 150 (after the IDS has seen traffic, before the firewall
 * judges it), and writes the configured ports into its map. Other bundles and the commands reach it as the
 * {@link Discard} service.
 */
@Component(service = {Stage.class, Discard.class}, configurationPid = Discard.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {Stage.NAME + "=discard", Stage.PRIORITY + ":Integer=150", Stage.HOOK + "=xdp"})
@Designate(ocd = DiscardConfig.class)
public final class DiscardStage implements Stage, Discard {

    static final String OBJECT = "bpf/discard.bpf.o";
    /** The same stage for the tc-ingress hook (discard_tc.bpf.c). */
    static final String TC_OBJECT = "bpf/discard_tc.bpf.o";
    /** The entry program's name, the same in both objects. */
    static final String PROGRAM = "discard";
    static final String MAP = "discard_ports";
    private static final Logger LOG = LoggerFactory.getLogger(DiscardStage.class);

    private volatile byte[] object;
    private List<DiscardPort> ports = List.of();
    private String problem;
    /** The stage's map while it is loaded into some pipeline. */
    private PortTable table;

    @Activate
    public DiscardStage(DiscardConfig config) {
        configure(config);
    }

    @Modified
    public void modified(DiscardConfig config) {
        configure(config);
    }

    /** Applies a configuration; one with a bad port is logged and leaves the ports in force. */
    private synchronized void configure(DiscardConfig config) {
        // The object follows the hook whatever happens to the ports: the core loads it into the pipelines of the hook
        // this configuration gives the service (an unknown hook is refused by the core, named in its log).
        object = Stage.bundleResource(DiscardStage.class, objectPath(Hook.TC_INGRESS.id().equals(config.deetune_stage_hook().trim())
                ? Hook.TC_INGRESS : Hook.XDP));
        try {
            List<DiscardPort> wanted = PortsSetting.parse(config.ports());
            if (table != null) {
                table.write(wanted);
            }
            ports = List.copyOf(wanted);
            problem = null;
            LOG.info("discard: ports {}", ports);
        } catch (IllegalArgumentException e) {
            problem = PID + ": " + e.getMessage();
            LOG.error("discard: configuration refused, the ports in force ({}) stay: {}", ports, ConfigText.escape(problem));
        }
    }

    /** The stage's object for {@code hook}: discard_tc.bpf.o at tc ingress, discard.bpf.o otherwise. */
    static String objectPath(Hook hook) {
        return hook == Hook.TC_INGRESS ? TC_OBJECT : OBJECT;
    }

    // ---- Stage ----

    @Override
    public byte[] object() {
        return object.clone();
    }

    @Override
    public String program() {
        return PROGRAM;
    }

    @Override
    public synchronized void loaded(StageMaps maps) {
        table = new PortTable(maps.map(MAP));
        table.write(ports);
    }

    @Override
    public synchronized void unloading(StageMaps maps) {
        table = null;
    }

    // ---- Discard ----

    @Override
    public synchronized List<DiscardPort> ports() {
        return ports;
    }

    @Override
    public synchronized Optional<List<PortHits>> hits() {
        return table == null ? Optional.empty() : Optional.of(table.hits(ports));
    }

    @Override
    public synchronized Optional<String> problem() {
        return Optional.ofNullable(problem);
    }
}

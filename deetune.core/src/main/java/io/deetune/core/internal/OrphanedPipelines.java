package io.deetune.core.internal;

import io.deetune.bpf.BpfLink;
import io.deetune.bpf.BpfProgram;
import io.deetune.core.api.Hook;
import io.deetune.core.api.PipelineInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipelines the kernel still holds under the pin root that no configuration asks for: their configuration vanished
 * while Karaf was down (or was deleted by hand). They stay attached, since the data plane must not change behind the
 * user's back, and are listed with a problem so that {@code deetune:detach <name>} can remove them.
 */
final class OrphanedPipelines {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanedPipelines.class);
    static final String DISPATCHER_PIN = "dispatcher_prog";

    private OrphanedPipelines() {}

    /** The pipeline folders under {@code root} with a pinned dispatcher whose name is not in {@code known}. */
    static List<PipelineInfo> find(Path root, Set<String> known) {
        List<PipelineInfo> orphans = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return orphans;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                String name = dir.getFileName().toString();
                if (name.equals(PinNames.STAGES_FOLDER) || known.contains(name)
                        || !Files.exists(dir.resolve(DISPATCHER_PIN))) {
                    continue;
                }
                orphans.add(describe(dir, name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        return orphans;
    }

    private static PipelineInfo describe(Path dir, String name) {
        Hook hook = Hook.XDP;
        List<String> interfaces = new ArrayList<>();
        try (BpfProgram dispatcher = BpfProgram.openPinned(dir.resolve(DISPATCHER_PIN))) {
            boolean xdp = dispatcher.type() == BpfProgram.TYPE_XDP;
            hook = xdp ? Hook.XDP : Hook.TC_INGRESS;
            for (Path pin : links(dir)) {
                interfaces.add(PinNames.interfaceOfLink(pin.getFileName().toString()).toString());
                if (!xdp) {
                    try (BpfLink link = BpfLink.openPinned(pin)) {
                        hook = link.tcxAttachType() == BpfLink.ATTACH_TCX_EGRESS ? Hook.TC_EGRESS : Hook.TC_INGRESS;
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("orphaned pipeline {}: {}", dir, e.getMessage());
        }
        String problem = "orphaned: pinned under " + dir + " and attached to " + interfaces.size()
                + " interface(s), but no configuration asks for it; 'deetune:detach " + name + "' removes it";
        return new PipelineInfo(name, hook, "", List.copyOf(interfaces), List.of(), Map.of("pipeline", problem));
    }

    /** Detaches and unpins the orphaned pipeline {@code name}; false if there is none of that name. */
    static boolean remove(Path root, String name) {
        Path dir = root.resolve(name);
        if (name.equals(PinNames.STAGES_FOLDER) || !dir.normalize().getParent().equals(root.normalize())
                || !Files.exists(dir.resolve(DISPATCHER_PIN))) {
            return false;
        }
        PipelineFolder.removePins(dir);
        LOG.info("orphaned pipeline '{}' detached and its pins under {} removed", name, dir);
        return true;
    }

    private static List<Path> links(Path dir) {
        try (Stream<Path> pins = Files.list(dir)) {
            return pins.filter(p -> PinNames.isLink(p.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}

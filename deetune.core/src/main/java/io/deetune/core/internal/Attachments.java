package io.deetune.core.internal;

import io.deetune.bpf.BpfFs;
import io.deetune.bpf.BpfLink;
import io.deetune.bpf.BpfProgram;
import io.deetune.bpf.NetNs;
import io.deetune.bpf.TcDirection;
import io.deetune.core.api.Hook;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attachments of one pipeline's dispatcher to its interfaces, each pinned ({@code link@NS@IF}) so that it
 * outlives the JVM. An attachment that cannot be pinned is undone at once: unpinned, it would outlive our knowledge
 * of it and every reconcile would attach again.
 */
final class Attachments implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Attachments.class);

    private final PipelineFolder folder;
    private final String pipeline;
    /** Problems of the pipeline ("interface X" entries are this class's). */
    private final Map<String, String> problems;
    private final Map<InterfaceRef, BpfLink> links = new LinkedHashMap<>();

    Attachments(PipelineFolder folder, String pipeline, Map<String, String> problems) {
        this.folder = folder;
        this.pipeline = pipeline;
        this.problems = problems;
    }

    /** Takes over the attachments a previous run pinned. */
    void adoptPinned() {
        for (Path pin : folder.linkPins()) {
            links.put(PinNames.interfaceOfLink(pin.getFileName().toString()), BpfLink.openPinned(pin));
        }
    }

    int size() {
        return links.size();
    }

    List<String> names() {
        return links.keySet().stream().map(InterfaceRef::toString).toList();
    }

    /** Switches every attachment to {@code program} (bpf_link_update: every packet sees one or the other). */
    void switchTo(BpfProgram program) {
        for (BpfLink link : links.values()) {
            link.update(program);
        }
    }

    /**
     * Makes the attachments those of {@code spec}: detaches interfaces it no longer names or whose attachment is gone
     * (the interface was deleted), attaches {@code dispatcher} to the missing ones. A failure is a problem of the
     * pipeline, not an exception: the other interfaces still attach.
     */
    void reconcile(PipelineSpec spec, BpfProgram dispatcher) {
        problems.keySet().removeIf(k -> k.startsWith("interface "));
        for (InterfaceRef ref : List.copyOf(links.keySet())) {
            boolean stillAttached;
            try {
                stillAttached = links.get(ref).info().ifindex() != 0;
            } catch (RuntimeException e) {
                stillAttached = false;
            }
            if (!spec.interfaces().contains(ref) || !stillAttached) {
                detach(ref);
            }
        }
        for (InterfaceRef ref : spec.interfaces()) {
            if (!links.containsKey(ref)) {
                try {
                    attach(spec, ref, dispatcher);
                } catch (RuntimeException e) {
                    problems.put("interface " + ref, e.getMessage());
                    LOG.error("pipeline '{}': cannot attach to {}: {}", pipeline, ref, e.getMessage());
                }
            }
        }
    }

    private void attach(PipelineSpec spec, InterfaceRef ref, BpfProgram dispatcher) {
        BpfLink link = NetNs.get(ref.namespace(), () -> {
            int ifindex = NetNs.ifindexHere(ref.ifname(), ref.namespace());
            return switch (spec.hook()) {
                case XDP -> dispatcher.attachXdp(ifindex, spec.xdpMode());
                case TC_INGRESS -> dispatcher.attachTcx(ifindex, TcDirection.INGRESS);
                case TC_EGRESS -> dispatcher.attachTcx(ifindex, TcDirection.EGRESS);
            };
        });
        Path pin = folder.resolve(PinNames.link(ref));
        try {
            BpfFs.unpin(pin);
            link.pin(pin);
        } catch (RuntimeException e) {
            try {
                link.detach();
            } catch (RuntimeException detachFailure) {
                e.addSuppressed(detachFailure);
            }
            link.close();
            throw e;
        }
        links.put(ref, link);
        LOG.info("pipeline '{}': attached to {} ({} {})", pipeline, ref, spec.hook().id(),
                spec.hook() == Hook.XDP ? spec.xdpMode().name().toLowerCase() : "tcx");
    }

    /** Detaches every interface and unpins the attachments. */
    void detachAll() {
        for (InterfaceRef ref : List.copyOf(links.keySet())) {
            detach(ref);
        }
    }

    private void detach(InterfaceRef ref) {
        BpfLink link = links.remove(ref);
        if (link != null) {
            try {
                link.detach();
            } catch (RuntimeException e) {
                LOG.debug("pipeline '{}': link of {} was already gone: {}", pipeline, ref, e.getMessage());
            }
            link.close();
        }
        BpfFs.unpin(folder.resolve(PinNames.link(ref)));
        LOG.info("pipeline '{}': detached from {}", pipeline, ref);
    }

    /** Lets go of the descriptors; the pinned attachments stay and keep working. */
    @Override
    public void close() {
        links.values().forEach(BpfLink::close);
        links.clear();
    }
}

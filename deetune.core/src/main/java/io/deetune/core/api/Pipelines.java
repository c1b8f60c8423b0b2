package io.deetune.core.api;

import java.util.List;
import java.util.Optional;

/** The core's pipelines, for commands, REST and other bundles. Registered by the core as an OSGi service. */
public interface Pipelines {

    /** Every pipeline, by name. */
    List<PipelineInfo> list();

    Optional<PipelineInfo> get(String name);

    /**
     * Attaches pipeline {@code pipeline} to interface {@code iface} ({@code [namespace:]ifname}), creating an XDP
     * pipeline of that name if none exists. The change is written to the pipeline's configuration, so it lasts.
     *
     * @throws IllegalArgumentException if the namespace or interface does not exist
     */
    void attach(String pipeline, String iface);

    /** Detaches the pipeline from {@code iface}; with {@code iface == null} removes the whole pipeline. */
    void detach(String pipeline, String iface);
}

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

    /**
     * The definition of a pipeline as its configuration holds it; empty when it has none (no such pipeline, or one
     * left pinned by an earlier run).
     *
     * @since 1.2
     */
    Optional<PipelineDefinition> definition(String name);

    /**
     * Creates the pipeline, or replaces its definition (other properties of its configuration stay), after checking
     * all of it: the name, the hook, the XDP mode, and that every interface exists. With {@code dryRun} only checks.
     *
     * @throws InvalidInputException naming the field at fault; nothing is written
     * @since 1.2
     */
    void define(PipelineDefinition definition, boolean dryRun);
}

package io.deetune.core.api;

import java.util.List;

/**
 * What a user asks of a pipeline: the desired state that its configuration ({@code io.deetune.pipeline}, in Karaf
 * {@code etc/io.deetune.pipeline-<name>.cfg}) holds.
 *
 * @param name       {@code [a-z][a-z0-9_-]*}, at most 32 characters
 * @param hook       {@code xdp}, {@code tc-ingress} or {@code tc-egress}; null: {@code xdp}
 * @param xdpMode    {@code auto}, {@code native} or {@code generic}; null: {@code auto}
 * @param interfaces {@code [namespace:]ifname}, each existing
 * @since 1.2
 */
public record PipelineDefinition(String name, String hook, String xdpMode, List<String> interfaces) {

    public PipelineDefinition {
        interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
    }
}

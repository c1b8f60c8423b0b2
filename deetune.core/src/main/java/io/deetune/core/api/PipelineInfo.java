package io.deetune.core.api;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of a pipeline.
 *
 * @param name       the pipeline's name (its pins live under {@code /sys/fs/bpf/deetune/<name>/})
 * @param hook       where its programs run
 * @param xdpMode    the XDP attach mode ({@code auto}, {@code native}, {@code generic}); empty for TC
 * @param interfaces the attached interfaces as {@code [namespace:]ifname}
 * @param chain      the dispatcher and the stages in chain order
 * @param problems   what could not be done, by subject (an interface, a stage), with the reason
 */
public record PipelineInfo(String name, Hook hook, String xdpMode, List<String> interfaces, List<StageInfo> chain,
        Map<String, String> problems) {}

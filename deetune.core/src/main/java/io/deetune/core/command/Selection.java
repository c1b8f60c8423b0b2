package io.deetune.core.command;

import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Pipelines;
import java.util.List;

/** The pipelines a command works on: all, or the one named (a clear error if there is none). */
final class Selection {

    private Selection() {}

    static List<PipelineInfo> pipelines(Pipelines pipelines, String name) {
        if (name == null) {
            return pipelines.list();
        }
        return List.of(pipelines.get(name).orElseThrow(() -> new IllegalArgumentException(
                "no pipeline '" + name + "' (pipelines: " + pipelines.list().stream().map(PipelineInfo::name).toList() + ")")));
    }
}

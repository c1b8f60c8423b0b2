package io.deetune.web.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Pipelines;
import io.deetune.core.api.StageStats;
import java.util.List;
import java.util.Map;

/**
 * The REST resources, independent of the servlet API so they can be tested on their own:
 * <pre>
 * GET /pipelines           every pipeline with its chain and counters
 * GET /pipelines/{name}    one pipeline
 * </pre>
 * Changes go through the console ({@code deetune:attach}, ...) or the configuration files, which Karaf
 * authenticates; this API only reads.
 */
final class PipelinesApi {

    /** A response: HTTP status and JSON body. */
    record Response(int status, String json) {}

    private final Pipelines pipelines;
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .addMixIn(StageStats.class, StageStatsJson.class);

    /** Adds the derived packets-in count to the counters' JSON. */
    private abstract static class StageStatsJson {
        @JsonProperty("in")
        abstract long in();
    }

    PipelinesApi(Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    Response get(String path) {
        String p = path == null || path.isEmpty() ? "/" : path;
        try {
            if (p.equals("/") || p.equals("/pipelines") || p.equals("/pipelines/")) {
                List<PipelineInfo> all = pipelines.list();
                return ok(all);
            }
            if (p.startsWith("/pipelines/")) {
                String name = p.substring("/pipelines/".length());
                return pipelines.get(name).map(this::ok)
                        .orElseGet(() -> error(404, "no pipeline '" + name + "'"));
            }
            return error(404, "no resource " + p + " (try /pipelines)");
        } catch (RuntimeException e) {
            return error(500, e.getMessage());
        }
    }

    private Response ok(Object body) {
        try {
            return new Response(200, mapper.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return error(500, "cannot render JSON: " + e.getMessage());
        }
    }

    private Response error(int status, String message) {
        try {
            return new Response(status, mapper.writeValueAsString(Map.of("error", message == null ? "" : message)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return new Response(status, "{\"error\":\"\"}");
        }
    }
}

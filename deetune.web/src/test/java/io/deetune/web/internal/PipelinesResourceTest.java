package io.deetune.web.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import io.deetune.core.api.PipelineDefinition;
import io.deetune.web.internal.rest.ApiException;
import io.deetune.web.internal.rest.JsonProvider;
import io.deetune.web.internal.rest.PipelinesResource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deetune.core.api.Hook;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Pipelines;
import io.deetune.core.api.StageInfo;
import io.deetune.core.api.StageStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pipelines resource (read side) and the console page over a fixed set of pipelines. */
class PipelinesResourceTest {

    private static final PipelineInfo DEFAULT = new PipelineInfo("default", Hook.XDP, "native", List.of("lab:veth1"),
            List.of(new StageInfo("dispatcher", Integer.MIN_VALUE, 0, 11, false, new StageStats(10, 0, 0, 0, 0, 0)),
                    new StageInfo("fw<1>", 200, 1, 12, false, new StageStats(7, 0, 3, 0, 0, 0))),
            Map.of("interface lab:veth9", "no interface 'veth9' in network namespace 'lab'"));

    /** A fixed pipeline list: the API only reads, so this is all it needs. */
    private static final Pipelines FIXED = new Pipelines() {
        @Override public List<PipelineInfo> list() { return List.of(DEFAULT); }
        @Override public Optional<PipelineInfo> get(String name) { return name.equals("default") ? Optional.of(DEFAULT) : Optional.empty(); }
        @Override public void attach(String pipeline, String iface) { throw new UnsupportedOperationException(); }
        @Override public void detach(String pipeline, String iface) { throw new UnsupportedOperationException(); }
        @Override public Optional<PipelineDefinition> definition(String name) { return Optional.empty(); }
        @Override public void define(PipelineDefinition definition, boolean dryRun) { throw new UnsupportedOperationException(); }
    };

    private final PipelinesResource api = new PipelinesResource(FIXED);
    private final ObjectMapper mapper = JsonProvider.MAPPER;

    @Test
    void listsPipelinesWithTheirChains() throws Exception {
        JsonNode pipeline = mapper.valueToTree(api.list()).get(0);
        assertEquals("default", pipeline.get("name").asText());
        assertEquals("XDP", pipeline.get("hook").asText());
        assertEquals("fw<1>", pipeline.get("chain").get(1).get("name").asText());
        assertEquals(3, pipeline.get("chain").get(1).get("stats").get("dropped").asLong());
        assertEquals(10, pipeline.get("chain").get(1).get("stats").get("in").asLong());
    }

    @Test
    void oneAndUnknownPipelines() throws Exception {
        assertEquals("native", mapper.valueToTree(api.get("default").getEntity()).get("xdpMode").asText());
        ApiException missing = assertThrows(ApiException.class, () -> api.get("nope"));
        assertEquals(404, missing.status());
        assertEquals("no pipeline 'nope'", mapper.valueToTree(missing.body()).get("detail").asText());
    }

    @Test
    void consolePageEscapesNames() {
        StringWriter html = new StringWriter();
        ConsolePage.render(FIXED, new PrintWriter(html));
        assertTrue(html.toString().contains("fw&lt;1&gt;"));
        assertTrue(html.toString().contains("no interface 'veth9'"));
    }
}

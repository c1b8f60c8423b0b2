package io.deetune.web.internal.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.jaxrs.json.JacksonJsonProvider;
import io.deetune.core.api.StageStats;
import javax.ws.rs.ext.MessageBodyReader;
import javax.ws.rs.ext.MessageBodyWriter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsMediaType;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;

/**
 * JSON for the API's bodies, with Jackson's JAX-RS provider and one strict mapper: an unknown field, a string where a
 * number belongs, or a missing number is refused (400 naming the field) rather than guessed.
 */
@Component(service = {MessageBodyReader.class, MessageBodyWriter.class})
@JaxrsExtension
@JaxrsName(JsonProvider.NAME)
@JaxrsMediaType("application/json")
public final class JsonProvider extends JacksonJsonProvider {

    /** The extension's name, which every resource requires (so none answers before JSON can be written). */
    public static final String NAME = "deetune.json";
    /** The filter of {@code osgi.jaxrs.extension.select} that makes a resource wait for this provider. */
    public static final String REQUIRED = "(osgi.jaxrs.name=" + NAME + ")";

    /** The mapper of every body, also for tests and the pages. */
    public static final ObjectMapper MAPPER = mapper();

    /** {@code value} as one line of JSON (audit lines, event stream data). */
    public static String compact(Object value) throws com.fasterxml.jackson.core.JsonProcessingException {
        return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    }

    public JsonProvider() {
        super(MAPPER);
    }

    /** Adds the derived packets-in count to a stage's counters. */
    private abstract static class StageStatsJson {
        @JsonProperty("in")
        abstract long in();
    }

    private static ObjectMapper mapper() {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .addMixIn(StageStats.class, StageStatsJson.class)
                .build();
        // "port": "80" or "weight": 1.5 are type errors, not values to convert.
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }
}

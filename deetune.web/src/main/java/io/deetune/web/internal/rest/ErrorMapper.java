package io.deetune.web.internal.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.deetune.core.api.InvalidInputException;
import java.util.stream.Collectors;
import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.ExceptionMapper;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure of a request into the API's error body ({@link ApiError}) with the status that says whose
 * fault it is: 400 for a body that is not the JSON expected (malformed, unknown field, wrong type), 422 for a value
 * the configuration refuses (naming its field), 404/409/412 from the resources, 500 (logged) for the rest.
 */
@Component(service = ExceptionMapper.class)
@JaxrsExtension
public final class ErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    @Override
    public Response toResponse(Throwable failure) {
        return answer(error(failure));
    }

    /** The error as JSON text: an error must be answerable even before any message body writer is there. */
    static Response answer(ApiException e) {
        String json;
        try {
            json = JsonProvider.MAPPER.writeValueAsString(e.body());
        } catch (JsonProcessingException failure) {
            json = "{\"error\":\"internal error\"}";
        }
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(json).build();
    }

    static ApiException error(Throwable failure) {
        Throwable t = failure;
        // CXF wraps what a message body reader throws.
        if (t instanceof WebApplicationException && t.getCause() instanceof JsonProcessingException) {
            t = t.getCause();
        }
        if (t instanceof ApiException api) {
            return api;
        }
        if (t instanceof UnrecognizedPropertyException unknown) {
            return ApiException.badRequest(path(unknown), "unknown field '" + unknown.getPropertyName() + "' (known: "
                    + unknown.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")");
        }
        if (t instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return ApiException.badRequest(path(mismatch), "expected " + expected(mismatch.getTargetType()));
        }
        if (t instanceof JsonMappingException mapping) {
            return ApiException.badRequest(path(mapping), mapping.getOriginalMessage());
        }
        if (t instanceof JsonProcessingException json) {
            return ApiException.badRequest(null, "malformed JSON: " + json.getOriginalMessage());
        }
        if (t instanceof InvalidInputException invalid) {
            return ApiException.invalid(invalid.field(), invalid.reason());
        }
        if (t instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return new ApiException(status, Response.Status.fromStatusCode(status) == null ? "error"
                    : Response.Status.fromStatusCode(status).getReasonPhrase().toLowerCase(java.util.Locale.ROOT), null, web.getMessage());
        }
        if (t instanceof IllegalArgumentException invalid) {
            return ApiException.invalid(null, invalid.getMessage());
        }
        LOG.error("REST request failed", t);
        return new ApiException(500, "internal error", null, String.valueOf(t.getMessage()));
    }

    /** What a JSON value of {@code type} looks like, for a client that sent another. */
    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "an object";
    }

    /** The JSON path of the value at fault: {@code backends[1].port}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? null : path.toString();
    }
}

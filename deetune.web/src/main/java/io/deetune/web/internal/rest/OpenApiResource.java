package io.deetune.web.internal.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code /openapi.json}: the OpenAPI 3 description of the API. Written by hand beside the resources;
 * {@code OpenApiTest} checks that it names exactly the routes and methods the resources serve.
 */
@Component(service = OpenApiResource.class)
@JaxrsResource
@JaxrsExtensionSelect(JsonProvider.REQUIRED)
@Path("openapi.json")
public final class OpenApiResource {

    /** The document, as the bundle carries it. */
    public static final String DOCUMENT = "openapi.json";

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public byte[] document() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException("the bundle lacks " + DOCUMENT);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

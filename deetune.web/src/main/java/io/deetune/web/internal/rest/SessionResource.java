package io.deetune.web.internal.rest;

import io.deetune.web.internal.DeeTuneContext;
import java.util.Set;
import java.util.TreeSet;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** {@code /session}: who the caller is and which of DeeTune's roles it has, so a page shows write controls only to admins. */
@Component(service = SessionResource.class)
@JaxrsResource
@JaxrsExtensionSelect(JsonProvider.REQUIRED)
@Path("session")
public final class SessionResource {

    /** The caller and its roles ({@code viewer}, {@code admin}). */
    public record Session(String user, Set<String> roles) {}

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @SuppressWarnings("unchecked")
    public Session session(@Context HttpServletRequest request) {
        Object roles = request.getAttribute(DeeTuneContext.ROLES);
        return new Session(request.getRemoteUser(), roles instanceof Set<?> set ? new TreeSet<>((Set<String>) set) : Set.of());
    }
}

package io.deetune.web.internal.rest;

import io.deetune.core.api.PipelineDefinition;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Pipelines;
import io.deetune.core.api.StageInfo;
import java.net.URI;
import java.util.List;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code /pipelines}: the pipelines, their chains and counters (read), and their definitions (hook, XDP mode,
 * interfaces), written to their configurations through the core's {@link Pipelines} service.
 */
@Component(service = PipelinesResource.class)
@JaxrsResource
@JaxrsExtensionSelect(JsonProvider.REQUIRED)
@Path("pipelines")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class PipelinesResource {

    /** What a client sends to create or change a pipeline. */
    public record PipelineBody(String name, String hook, String xdpMode, List<String> interfaces) {}

    private final Pipelines pipelines;

    @Activate
    public PipelinesResource(@Reference Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    @GET
    public List<PipelineInfo> list() {
        return pipelines.list();
    }

    @GET
    @Path("{name}")
    public Response get(@PathParam("name") String name) {
        PipelineInfo info = pipelines.get(name).orElseThrow(() -> ApiException.notFound("no pipeline '" + name + "'"));
        Response.ResponseBuilder ok = Response.ok(info);
        pipelines.definition(name).ifPresent(definition -> ok.tag(Etags.of(definition)));
        return ok.build();
    }

    @GET
    @Path("{name}/stages")
    public List<StageInfo> stages(@PathParam("name") String name) {
        return pipelines.get(name).orElseThrow(() -> ApiException.notFound("no pipeline '" + name + "'")).chain();
    }

    @POST
    public Response create(PipelineBody body, @QueryParam("dryRun") boolean dryRun, @Context HttpServletRequest request) {
        PipelineDefinition wanted = definition(Requests.body(body), null);
        if (pipelines.get(wanted.name()).isPresent() || pipelines.definition(wanted.name()).isPresent()) {
            throw ApiException.conflict("name", "pipeline '" + wanted.name() + "' exists (PUT /pipelines/" + wanted.name() + " changes it)");
        }
        pipelines.define(wanted, dryRun);
        if (dryRun) {
            return Response.ok(wanted).build();
        }
        Audit.record(Requests.user(request), "POST /pipelines", null, wanted);
        return Response.created(URI.create("pipelines/" + wanted.name())).entity(wanted).tag(Etags.of(wanted)).build();
    }

    @PUT
    @Path("{name}")
    public Response replace(@PathParam("name") String name, PipelineBody body, @QueryParam("dryRun") boolean dryRun,
            @Context HttpHeaders headers, @Context HttpServletRequest request) {
        PipelineDefinition before = existing(name);
        Etags.checkIfMatch(headers, before);
        PipelineDefinition wanted = definition(Requests.body(body), name);
        return write("PUT /pipelines/" + name, before, wanted, dryRun, request);
    }

    /** Replaces the interfaces only: the body is the list, e.g. {@code ["eth0", "lab:veth1"]}. */
    @PUT
    @Path("{name}/interfaces")
    public Response interfaces(@PathParam("name") String name, List<String> interfaces, @QueryParam("dryRun") boolean dryRun,
            @Context HttpHeaders headers, @Context HttpServletRequest request) {
        PipelineDefinition before = existing(name);
        Etags.checkIfMatch(headers, before);
        PipelineDefinition wanted = new PipelineDefinition(name, before.hook(), before.xdpMode(), Requests.body(interfaces));
        return write("PUT /pipelines/" + name + "/interfaces", before, wanted, dryRun, request);
    }

    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name, @QueryParam("dryRun") boolean dryRun,
            @Context HttpHeaders headers, @Context HttpServletRequest request) {
        PipelineDefinition before = pipelines.definition(name).orElse(null);
        if (before == null && pipelines.get(name).isEmpty()) {
            throw ApiException.notFound("no pipeline '" + name + "'");
        }
        if (before != null) {
            Etags.checkIfMatch(headers, before);
        }
        if (!dryRun) {
            pipelines.detach(name, null);
            Audit.record(Requests.user(request), "DELETE /pipelines/" + name, before, null);
        }
        return Response.noContent().build();
    }

    private Response write(String action, PipelineDefinition before, PipelineDefinition wanted, boolean dryRun,
            HttpServletRequest request) {
        pipelines.define(wanted, dryRun);
        if (!dryRun) {
            Audit.record(Requests.user(request), action, before, wanted);
        }
        return Response.ok(wanted).tag(Etags.of(wanted)).build();
    }

    private PipelineDefinition existing(String name) {
        return pipelines.definition(name).orElseThrow(() -> ApiException.notFound("no pipeline '" + name + "'"));
    }

    /** The body as a definition; the name of the path wins, a different one in the body is refused. */
    private static PipelineDefinition definition(PipelineBody body, String pathName) {
        String name = body.name();
        if (pathName != null) {
            if (name != null && !name.equals(pathName)) {
                throw ApiException.invalid("name", "'" + name + "' differs from the pipeline of the path '" + pathName
                        + "' (a pipeline is renamed by creating the new one and deleting the old)");
            }
            name = pathName;
        }
        if (name == null) {
            throw ApiException.invalid("name", "missing");
        }
        return new PipelineDefinition(name, body.hook(), body.xdpMode(), body.interfaces());
    }
}

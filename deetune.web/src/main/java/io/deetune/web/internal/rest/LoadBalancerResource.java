package io.deetune.web.internal.rest;

import io.deetune.lb.Backend;
import io.deetune.lb.Endpoint;
import io.deetune.lb.Flow;
import io.deetune.lb.LoadBalancer;
import io.deetune.lb.LoadBalancerConfigurations;
import io.deetune.lb.ServiceStatus;
import io.deetune.lb.VirtualService;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * {@code /lb}: the load balancer's services and backends (read and write), flows, counters. A change is checked by the
 * {@link LoadBalancer} in full (fields, and VIP collisions with other services), applied to the kernel, and then
 * saved to the service's configuration ({@link LoadBalancerConfigurations}), as the {@code lb:} commands do.
 */
@Component(service = LoadBalancerResource.class)
@JaxrsResource
@JaxrsExtensionSelect(JsonProvider.REQUIRED)
@Path("lb")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class LoadBalancerResource {

    /** One page of the connection table. */
    public record FlowPage(int offset, int limit, int total, List<Flow> flows) {}

    /** The counters of every service and backend, and those of no service. */
    public record Stats(List<ServiceStatus> services, Map<String, Long> counters) {}

    private static final int MAX_PAGE = 10_000;

    private final LoadBalancer loadBalancer;
    private final LoadBalancerConfigurations configurations;

    @Activate
    public LoadBalancerResource(@Reference LoadBalancer loadBalancer, @Reference LoadBalancerConfigurations configurations) {
        this.loadBalancer = loadBalancer;
        this.configurations = configurations;
    }

    @GET
    @Path("services")
    public List<ServiceBodies.ServiceBody> services() {
        return loadBalancer.services().stream().map(ServiceBodies::body).toList();
    }

    @GET
    @Path("services/{name}")
    public Response service(@PathParam("name") String name) {
        ServiceBodies.ServiceBody body = ServiceBodies.body(existing(name));
        return Response.ok(body).tag(Etags.of(body)).build();
    }

    @POST
    @Path("services")
    public Response create(ServiceBodies.ServiceBody body, @QueryParam("dryRun") boolean dryRun, @Context HttpServletRequest request) {
        VirtualService wanted = ServiceBodies.service(Requests.body(body), null);
        if (loadBalancer.service(wanted.name()).isPresent()) {
            throw ApiException.conflict("name", "service '" + wanted.name() + "' exists (PUT /lb/services/" + wanted.name() + " changes it)");
        }
        apply(wanted, dryRun);
        ServiceBodies.ServiceBody now = ServiceBodies.body(wanted);
        if (!dryRun) {
            Audit.record(Requests.user(request), "POST /lb/services", null, now);
        }
        return (dryRun ? Response.ok(now) : Response.created(URI.create("lb/services/" + wanted.name())).entity(now))
                .tag(Etags.of(now)).build();
    }

    @PUT
    @Path("services/{name}")
    public Response replace(@PathParam("name") String name, ServiceBodies.ServiceBody body, @QueryParam("dryRun") boolean dryRun,
            @Context HttpHeaders headers, @Context HttpServletRequest request) {
        ServiceBodies.ServiceBody before = ServiceBodies.body(existing(name));
        Etags.checkIfMatch(headers, before);
        VirtualService wanted = ServiceBodies.service(Requests.body(body), name);
        return write("PUT /lb/services/" + name, before, wanted, dryRun, request);
    }

    @DELETE
    @Path("services/{name}")
    public Response delete(@PathParam("name") String name, @QueryParam("dryRun") boolean dryRun,
            @Context HttpHeaders headers, @Context HttpServletRequest request) {
        ServiceBodies.ServiceBody before = ServiceBodies.body(existing(name));
        Etags.checkIfMatch(headers, before);
        if (!dryRun) {
            loadBalancer.removeService(name);
            configurations.delete(name);
            Audit.record(Requests.user(request), "DELETE /lb/services/" + name, before, null);
        }
        return Response.noContent().build();
    }

    @POST
    @Path("services/{name}/backends")
    public Response addBackend(@PathParam("name") String name, ServiceBodies.BackendBody body, @QueryParam("dryRun") boolean dryRun,
            @Context HttpServletRequest request) {
        VirtualService current = existing(name);
        Backend added = ServiceBodies.backend("", Requests.body(body));
        List<Backend> backends = new ArrayList<>(current.backends());
        backends.add(added);
        return write("POST /lb/services/" + name + "/backends", ServiceBodies.body(current), current.withBackends(backends), dryRun, request);
    }

    /** {@code endpoint}: {@code address:port}, {@code [ipv6]:port}. */
    @DELETE
    @Path("services/{name}/backends/{endpoint}")
    public Response removeBackend(@PathParam("name") String name, @PathParam("endpoint") String endpoint,
            @QueryParam("dryRun") boolean dryRun, @Context HttpServletRequest request) {
        VirtualService current = existing(name);
        Endpoint at = endpoint(current, endpoint);
        List<Backend> backends = current.backends().stream()
                .filter(b -> !(b.address().equals(at.address()) && b.port() == at.port())).toList();
        write("DELETE /lb/services/" + name + "/backends/" + endpoint, ServiceBodies.body(current), current.withBackends(backends), dryRun, request);
        return Response.noContent().build();
    }

    @PUT
    @Path("services/{name}/backends/{endpoint}/weight")
    public Response weight(@PathParam("name") String name, @PathParam("endpoint") String endpoint, ServiceBodies.WeightBody body,
            @QueryParam("dryRun") boolean dryRun, @Context HttpServletRequest request) {
        Integer weight = Requests.body(body).weight();
        if (weight == null) {
            throw ApiException.invalid("weight", "missing");
        }
        return setWeight(name, endpoint, weight, "PUT", "weight", dryRun, request);
    }

    /** Drains a backend: weight 0, no new flows; its flows finish. */
    @POST
    @Path("services/{name}/backends/{endpoint}/drain")
    public Response drain(@PathParam("name") String name, @PathParam("endpoint") String endpoint,
            @QueryParam("dryRun") boolean dryRun, @Context HttpServletRequest request) {
        return setWeight(name, endpoint, 0, "POST", "drain", dryRun, request);
    }

    @GET
    @Path("services/{name}/flows")
    public FlowPage flows(@PathParam("name") String name, @QueryParam("client") String client,
            @QueryParam("backend") String backend, @QueryParam("offset") Integer offset, @QueryParam("limit") Integer limit) {
        existing(name);
        InetAddress clientAddress = client == null ? null : ServiceBodies.address("client", client);
        InetAddress backendAddress = backend == null ? null : ServiceBodies.address("backend", backend);
        int from = Requests.bounded("offset", offset, 0, 0, Integer.MAX_VALUE);
        int size = Requests.bounded("limit", limit, 100, 1, MAX_PAGE);
        List<Flow> matching = loadBalancer.flows(name).stream()
                .filter(f -> clientAddress == null || f.client().equals(clientAddress))
                .filter(f -> backendAddress == null || backendAddress.equals(f.backend()))
                .toList();
        List<Flow> page = from >= matching.size() ? List.of() : matching.subList(from, Math.min(matching.size(), from + size));
        return new FlowPage(from, size, matching.size(), page);
    }

    @GET
    @Path("stats")
    public Stats stats() {
        return new Stats(loadBalancer.status(), loadBalancer.counters());
    }

    private Response setWeight(String name, String endpoint, int weight, String method, String what, boolean dryRun,
            HttpServletRequest request) {
        VirtualService current = existing(name);
        Endpoint at = endpoint(current, endpoint);
        int checked = ServiceBodies.checked(() -> Backend.checkWeight("weight", weight));
        List<Backend> backends = current.backends().stream()
                .map(b -> b.address().equals(at.address()) && b.port() == at.port() ? b.withWeight(checked) : b).toList();
        return write(method + " /lb/services/" + name + "/backends/" + endpoint + "/" + what, ServiceBodies.body(current),
                current.withBackends(backends), dryRun, request);
    }

    private Response write(String action, ServiceBodies.ServiceBody before, VirtualService wanted, boolean dryRun, HttpServletRequest request) {
        apply(wanted, dryRun);
        ServiceBodies.ServiceBody now = ServiceBodies.body(wanted);
        if (!dryRun) {
            Audit.record(Requests.user(request), action, before, now);
        }
        return Response.ok(now).tag(Etags.of(now)).build();
    }

    /** Checks, and unless a dry run applies and saves; a refused change names its field without the service prefix. */
    private void apply(VirtualService wanted, boolean dryRun) {
        ServiceBodies.checked(() -> {
            if (dryRun) {
                loadBalancer.checkService(wanted);
            } else {
                loadBalancer.putService(wanted); // runs the same checks before it changes anything
                configurations.save(wanted);
            }
            return null;
        });
    }

    private VirtualService existing(String name) {
        return loadBalancer.service(name).orElseThrow(() -> ApiException.notFound("no service '" + name + "'"));
    }

    private static Endpoint endpoint(VirtualService service, String text) {
        Endpoint at = ServiceBodies.checked(() -> Endpoint.parse("endpoint", text));
        boolean known = service.backends().stream().anyMatch(b -> b.address().equals(at.address()) && b.port() == at.port());
        if (!known) {
            throw ApiException.notFound("service '" + service.name() + "' has no backend " + text);
        }
        return at;
    }
}

package io.deetune.web.internal.rest;

import io.deetune.firewall.Action;
import io.deetune.firewall.BlockedEntry;
import io.deetune.firewall.Blocklist;
import io.deetune.firewall.Firewall;
import io.deetune.firewall.FirewallStatus;
import java.net.URI;
import java.time.Duration;
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
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code /firewall}: the rule set in force with its counters, rules added at run time, the default policy, and the
 * blocklist (entries with expiry), through the firewall's exported {@link Firewall} and {@link Blocklist} services.
 */
@Component(service = FirewallResource.class)
@JaxrsResource
@JaxrsExtensionSelect(JsonProvider.REQUIRED)
@Path("firewall")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class FirewallResource {

    /** A rule in the rules-file syntax, e.g. {@code deny proto tcp dport 22 src 10.0.0.0/8 priority 10}. */
    public record RuleBody(String rule) {}

    /** A rule added at run time, with its number for removal. */
    public record AddedRule(int number, String rule) {}

    /** The default policy: {@code allow} or {@code deny}. */
    public record PolicyBody(String policy) {}

    /** A blocklist entry to add: an address or CIDR, and for how long (seconds; absent: until removed). */
    public record BlockBody(String cidr, Long ttlSeconds) {}

    private final Firewall firewall;
    private final Blocklist blocklist;
    private final ConfigurationAdmin configurationAdmin;

    @Activate
    public FirewallResource(@Reference Firewall firewall, @Reference Blocklist blocklist,
            @Reference ConfigurationAdmin configurationAdmin) {
        this.firewall = firewall;
        this.blocklist = blocklist;
        this.configurationAdmin = configurationAdmin;
    }

    /** The rule set in force, the default policy and every counter. */
    @GET
    public FirewallStatus status() {
        return firewall.status();
    }

    /** The rules file's text (the lasting rule set), with its entity tag; 404 when no rules file is configured. */
    @GET
    @Path("ruleset")
    @Produces(MediaType.TEXT_PLAIN)
    public Response ruleset() {
        String text = firewall.rulesFileText().orElseThrow(() -> ApiException.notFound(
                "no rules file is configured (set " + Firewall.RULES_FILE + " in " + Firewall.PID + ")"));
        return Response.ok(text, MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).tag(Etags.of(text)).build();
    }

    /**
     * Replaces the rules file's text: every line is checked and the whole rule set installed at once (no packet meets
     * half of it) before the file is written; one bad line refuses all of it (422 naming the line).
     */
    @PUT
    @Path("ruleset")
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.APPLICATION_JSON)
    public Response replaceRuleset(String text, @QueryParam("dryRun") boolean dryRun, @Context HttpHeaders headers,
            @Context HttpServletRequest request) {
        String before = firewall.rulesFileText().orElseThrow(() -> ApiException.conflict(null,
                "no rules file is configured (set " + Firewall.RULES_FILE + " in " + Firewall.PID + ")"));
        Etags.checkIfMatch(headers, before);
        refusedAsInvalid("ruleset", () -> {
            firewall.replaceRulesFile(text == null ? "" : text, dryRun);
            return null;
        });
        if (!dryRun) {
            Audit.record(Requests.user(request), "PUT /firewall/ruleset", before, text);
        }
        return Response.ok(firewall.status()).tag(Etags.of(text == null ? "" : text)).build();
    }

    @GET
    @Path("rules")
    public FirewallStatus rules() {
        return firewall.status();
    }

    /** Adds a rule at once (until the firewall restarts; the rules file holds the lasting ones). */
    @POST
    @Path("rules")
    public Response addRule(RuleBody body, @Context HttpServletRequest request) {
        String rule = Requests.body(body).rule();
        if (rule == null || rule.isBlank()) {
            throw ApiException.invalid("rule", "missing");
        }
        int number = refusedAsInvalid("rule", () -> firewall.addRule(rule));
        Audit.record(Requests.user(request), "POST /firewall/rules", null, new AddedRule(number, rule));
        return Response.created(URI.create("firewall/rules/" + number)).entity(new AddedRule(number, rule)).build();
    }

    @DELETE
    @Path("rules/{number}")
    public Response removeRule(@PathParam("number") int number, @Context HttpServletRequest request) {
        if (!firewall.removeRule(number)) {
            throw ApiException.notFound("no rule #" + number + " added at run time (rules of the rules file are changed in the file)");
        }
        Audit.record(Requests.user(request), "DELETE /firewall/rules/" + number, number, null);
        return Response.noContent().build();
    }

    @GET
    @Path("policy")
    public PolicyBody policy() {
        return new PolicyBody(firewall.policy().name().toLowerCase(java.util.Locale.ROOT));
    }

    @PUT
    @Path("policy")
    public PolicyBody setPolicy(PolicyBody body, @QueryParam("dryRun") boolean dryRun, @Context HttpServletRequest request) {
        String text = Requests.body(body).policy();
        if (text == null) {
            throw ApiException.invalid("policy", "missing (allow or deny)");
        }
        Action policy = refusedAsInvalid("policy", () -> Action.parse(text));
        PolicyBody before = policy();
        if (!dryRun) {
            firewall.policy(policy);
            savePolicy(policy);
            Audit.record(Requests.user(request), "PUT /firewall/policy", before, policy());
        }
        return new PolicyBody(policy.name().toLowerCase(java.util.Locale.ROOT));
    }

    @GET
    @Path("blocklist")
    public List<BlockedEntry> blocked() {
        return blocklist.entries();
    }

    @POST
    @Path("blocklist")
    public Response block(BlockBody body, @QueryParam("dryRun") boolean dryRun, @Context HttpServletRequest request) {
        BlockBody wanted = Requests.body(body);
        if (wanted.cidr() == null || wanted.cidr().isBlank()) {
            throw ApiException.invalid("cidr", "missing");
        }
        if (wanted.ttlSeconds() != null && wanted.ttlSeconds() <= 0) {
            throw ApiException.invalid("ttlSeconds", wanted.ttlSeconds() + " is not a positive number of seconds");
        }
        String prefix = refusedAsInvalid("cidr", () -> blocklist.check(wanted.cidr()));
        if (dryRun) {
            return Response.ok(new BlockedEntry(prefix, java.util.Optional.empty(), 0)).build();
        }
        refusedAsInvalid("cidr", () -> {
            if (wanted.ttlSeconds() == null) {
                blocklist.block(wanted.cidr());
            } else {
                blocklist.block(wanted.cidr(), Duration.ofSeconds(wanted.ttlSeconds()));
            }
            return null;
        });
        Audit.record(Requests.user(request), "POST /firewall/blocklist", null, wanted);
        BlockedEntry entry = blocklist.entries().stream().filter(e -> e.cidr().equals(prefix)).findFirst().orElse(null);
        return Response.status(Response.Status.CREATED).entity(entry == null ? wanted : entry).build();
    }

    /** {@code cidr} with its slash as {@code _} or URL-encoded ({@code 10.0.0.0%2F8}); a bare address for one host. */
    @DELETE
    @Path("blocklist/{cidr}")
    public Response unblock(@PathParam("cidr") String cidr, @Context HttpServletRequest request) {
        String entry = cidr.replace('_', '/');
        boolean removed = refusedAsInvalid("cidr", () -> blocklist.unblock(entry));
        if (!removed) {
            throw ApiException.notFound("'" + entry + "' is not blocked");
        }
        Audit.record(Requests.user(request), "DELETE /firewall/blocklist/" + entry, entry, null);
        return Response.noContent().build();
    }

    /**
     * Writes the policy into the firewall's configuration ({@link Firewall#PID}), the lasting desired state (in Karaf
     * {@code etc/io.deetune.firewall.cfg}); the firewall, configured again, finds it already in force.
     */
    private void savePolicy(Action policy) {
        try {
            org.osgi.service.cm.Configuration configuration = configurationAdmin.getConfiguration(Firewall.PID, "?");
            java.util.Dictionary<String, Object> properties = configuration.getProperties() == null
                    ? new java.util.Hashtable<>() : configuration.getProperties();
            properties.put(Firewall.DEFAULT_POLICY, policy.name().toLowerCase(java.util.Locale.ROOT));
            configuration.update(properties);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the policy is in force, but the firewall's configuration could not be saved: " + e.getMessage(), e);
        }
    }

    private static <T> T refusedAsInvalid(String field, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (io.deetune.core.api.InvalidInputException e) {
            throw ApiException.invalid(e.field(), e.reason());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, e.getMessage());
        }
    }
}

package io.deetune.web.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.http.context.ServletContextHelper;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeeTune's HTTP Whiteboard context, {@code /deetune}: every request to any of its servlets, whatever its method
 * (GET, POST, OPTIONS, TRACE ...), is authenticated here, before any servlet sees it, against Karaf's {@code karaf}
 * JAAS realm (HTTP Basic; role {@code viewer} or {@code admin}). Failed logins are throttled per client address
 * ({@link LoginThrottle}: 429 with Retry-After).
 */
@Component(service = ServletContextHelper.class, scope = ServiceScope.BUNDLE)
@HttpWhiteboardContext(name = DeeTuneContext.NAME, path = "/deetune")
public final class DeeTuneContext extends ServletContextHelper {

    static final String NAME = "io.deetune.web";
    /** The service filter a servlet uses to join this context. */
    public static final String SELECT = "(osgi.http.whiteboard.context.name=" + NAME + ")";

    private static final Logger LOG = LoggerFactory.getLogger(DeeTuneContext.class);
    private static final int TOO_MANY_REQUESTS = 429;
    /** The request attribute that holds the caller's roles (a set of {@code viewer}, {@code admin}). */
    public static final String ROLES = "io.deetune.web.roles";
    private static final String ADMIN = "admin";
    /** Methods that only read; every other one changes something and needs the role admin. */
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final JaasBasicAuth auth = new JaasBasicAuth("karaf", Set.of("viewer", "admin"));
    /**
     * Shared by every instance: the context is one per using bundle (this one's servlets, the JAX-RS Whiteboard's), and
     * a guesser must not get a fresh allowance per bundle.
     */
    private static final LoginThrottle THROTTLE = LoginThrottle.standard();
    /** Shared for the same reason: a login through one bundle's context holds for the others. */
    private static final LoginCache LOGINS = LoginCache.standard(usersFile());

    /** One context per bundle that uses it, serving that bundle's resources (the page's files of {@code ui/}). */
    @Activate
    public DeeTuneContext(ComponentContext component) {
        super(component.getUsingBundle());
    }

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String client = request.getRemoteAddr();
        LoginThrottle.Verdict verdict = THROTTLE.check(client);
        if (!verdict.allowed()) {
            response.setHeader("Retry-After", Long.toString(Math.max(1, (verdict.retryAfter().toMillis() + 999) / 1000)));
            response.sendError(TOO_MANY_REQUESTS, "too many failed logins from " + client);
            return false;
        }
        JaasBasicAuth.Login login = LOGINS.authenticate(request.getHeader("Authorization"), auth::authenticate);
        switch (login.result()) {
            case ALLOWED -> {
                THROTTLE.succeeded(client);
                if (!SAFE_METHODS.contains(request.getMethod())) {
                    if (!login.roles().contains(ADMIN)) {
                        refuse(response, HttpServletResponse.SC_FORBIDDEN, "user " + login.user()
                                + " may only read (role viewer): changes need the role admin");
                        return false;
                    }
                    if (!sameOrigin(request)) {
                        refuse(response, HttpServletResponse.SC_FORBIDDEN, "a change must come from this server's own"
                                + " pages or from a client that sends no Origin header (cross-site request refused)");
                        return false;
                    }
                }
                request.setAttribute(REMOTE_USER, login.user());
                request.setAttribute(AUTHENTICATION_TYPE, HttpServletRequest.BASIC_AUTH);
                request.setAttribute(ROLES, login.roles());
                return true;
            }
            case NOT_PERMITTED -> {
                THROTTLE.succeeded(client);
                refuse(response, HttpServletResponse.SC_FORBIDDEN, "user " + login.user() + " has neither role viewer nor admin");
                return false;
            }
            case WRONG -> {
                THROTTLE.failed(client);
                LOG.warn("failed login to {} from {}", request.getRequestURI(), client);
            }
            case NO_CREDENTIALS -> {
            }
        }
        response.setHeader("WWW-Authenticate", "Basic realm=\"" + auth.realm() + "\"");
        response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
        return false;
    }

    /** Karaf's realm reads its users from etc/users.properties; outside Karaf there is none. */
    private static Path usersFile() {
        String etc = System.getProperty("karaf.etc");
        return etc == null ? null : Path.of(etc, "users.properties");
    }

    /**
     * Browsers send {@code Origin} with every cross-site write; a page of another site must not be able to make a
     * logged-in admin's browser change DeeTune (the browser would add the cached Basic credentials). Scripts (curl)
     * send no Origin.
     */
    private static boolean sameOrigin(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String host = request.getHeader("Host");
        return host != null && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host));
    }

    private static void refuse(HttpServletResponse response, int status, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(io.deetune.web.internal.rest.JsonProvider.MAPPER.writeValueAsString(
                new io.deetune.web.internal.rest.ApiError("forbidden", null, detail)));
        response.flushBuffer(); // committed: the container sends this body, not an empty error page of its own
    }
}

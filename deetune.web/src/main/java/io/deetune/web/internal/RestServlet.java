package io.deetune.web.internal;

import io.deetune.core.api.Pipelines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The REST API at {@code /deetune/api/*} (HTTP whiteboard), for users of Karaf's {@code karaf} realm with the
 * {@code viewer} or {@code admin} role, with HTTP Basic authentication.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/deetune/api/*")
public final class RestServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient PipelinesApi api;
    private final transient JaasBasicAuth auth = new JaasBasicAuth("karaf", java.util.Set.of("viewer", "admin"));

    @Activate
    public RestServlet(@Reference Pipelines pipelines) {
        this.api = new PipelinesApi(pipelines);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (auth.authenticate(request.getHeader("Authorization")).isEmpty()) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + auth.realm() + "\"");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }
        PipelinesApi.Response result = api.get(request.getPathInfo());
        response.setStatus(result.status());
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(result.json());
    }
}

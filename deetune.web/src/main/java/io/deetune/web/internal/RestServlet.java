package io.deetune.web.internal;

import io.deetune.core.api.Pipelines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.Servlet;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The REST API at {@code /deetune/api/*}, in DeeTune's HTTP Whiteboard context ({@link DeeTuneContext}), which
 * authenticates every request before it gets here. It only reads: GET (and HEAD); every other method gets 405, TRACE
 * too (it would echo the request, credentials included).
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(DeeTuneContext.SELECT)
@HttpWhiteboardServletPattern("/api/*")
public final class RestServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final String ALLOWED = "GET, HEAD, OPTIONS";

    private final transient PipelinesApi api;

    @Activate
    public RestServlet(@Reference Pipelines pipelines) {
        this.api = new PipelinesApi(pipelines);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PipelinesApi.Response result = api.get(request.getPathInfo());
        response.setStatus(result.status());
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(result.json());
    }

    /** Every method but GET, HEAD and OPTIONS gets 405 (HttpServlet would echo TRACE and answer PATCH with 501). */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        switch (request.getMethod()) {
            case "GET", "HEAD" -> super.service(request, response);
            case "OPTIONS" -> response.setHeader("Allow", ALLOWED);
            default -> {
                response.setHeader("Allow", ALLOWED);
                response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            }
        }
    }
}

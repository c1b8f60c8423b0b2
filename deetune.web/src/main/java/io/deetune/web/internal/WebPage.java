package io.deetune.web.internal;

import java.io.IOException;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardResource;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * DeeTune's own page, for users without the Felix web console: {@code /deetune/ui/} (the files of this bundle's
 * {@code ui/} folder, in DeeTune's authenticated context); {@code /deetune/} and {@code /deetune/ui/} lead to it. As the
 * context's default servlet it also gets every path nothing else serves: those get a plain 404.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(DeeTuneContext.SELECT)
@HttpWhiteboardServletName("deetune-page")
@HttpWhiteboardServletPattern({"/", "/ui/"})
@HttpWhiteboardResource(pattern = "/ui/*", prefix = "/ui")
public final class WebPage extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (path.isEmpty() || path.equals("/") || path.equals("/ui/")) {
            response.sendRedirect(request.getContextPath() + "/ui/index.html");
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }
}

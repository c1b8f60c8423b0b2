package io.deetune.web.internal;

import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Pipelines;
import io.deetune.core.api.StageInfo;
import java.io.IOException;
import java.io.PrintWriter;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The "DeeTune" page of the Felix web console (Karaf: http://host:8181/system/console/deetune): pipelines,
 * their chains and counters. The web console registers any servlet service that carries a label.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=deetune",
        "felix.webconsole.title=DeeTune",
        "felix.webconsole.category=DeeTune"})
public final class ConsolePage extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient Pipelines pipelines;

    @Activate
    public ConsolePage(@Reference Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        render(pipelines, response.getWriter());
    }

    static void render(Pipelines pipelines, PrintWriter out) {
        out.println("<p class=\"statline\">Pipelines: " + pipelines.list().size()
                + " &middot; live page: <a href=\"/deetune/ui/index.html\">/deetune/ui/</a>"
                + " &middot; JSON: <a href=\"/deetune/api/v1/pipelines\">/deetune/api/v1/pipelines</a></p>");
        for (PipelineInfo p : pipelines.list()) {
            out.println("<h2>" + html(p.name()) + " <small>(" + html(p.hook().id())
                    + (p.xdpMode().isEmpty() ? "" : ", " + html(p.xdpMode())) + ")</small></h2>");
            out.println("<p>Interfaces: " + (p.interfaces().isEmpty() ? "<em>none</em>" : html(String.join(", ", p.interfaces()))) + "</p>");
            p.problems().forEach((subject, problem) ->
                    out.println("<p class=\"ui-state-error\">" + html(subject) + ": " + html(problem.lines().findFirst().orElse("")) + "</p>"));
            out.println("<table class=\"nicetable\"><thead><tr><th>#</th><th>Stage</th><th>Priority</th><th>Program id</th>"
                    + "<th>State</th><th>In</th><th>Continue</th><th>Pass</th><th>Drop</th><th>TX</th><th>Redirect</th><th>Aborted</th></tr></thead><tbody>");
            int position = 0;
            for (StageInfo s : p.chain()) {
                out.println("<tr><td>" + position++ + "</td><td>" + html(s.name()) + "</td><td>"
                        + (s.priority() == Integer.MIN_VALUE ? "-" : s.priority()) + "</td><td>" + s.programId() + "</td><td>"
                        + (s.adopted() ? "adopted" : "live") + "</td><td>" + s.stats().in() + "</td><td>" + s.stats().continued()
                        + "</td><td>" + s.stats().passed() + "</td><td>" + s.stats().dropped() + "</td><td>" + s.stats().tx()
                        + "</td><td>" + s.stats().redirected() + "</td><td>" + s.stats().aborted() + "</td></tr>");
            }
            out.println("</tbody></table>");
        }
    }

    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

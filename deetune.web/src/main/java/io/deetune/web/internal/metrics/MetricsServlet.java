package io.deetune.web.internal.metrics;

import io.deetune.web.internal.DeeTuneContext;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code /deetune/metrics}: every DeeTune counter in the Prometheus text format, read from the BPF maps at scrape
 * time, plus the JVM's basics. In DeeTune's servlet context, so a scraper logs in like any API client (a Karaf user
 * with the role viewer). Each plugin's collector joins when its plugin starts ({@value #COLLECTOR} services).
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(DeeTuneContext.SELECT)
@HttpWhiteboardServletName("deetune-metrics")
@HttpWhiteboardServletPattern("/metrics")
public final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The service property of DeeTune's collectors, so that only they join this registry. */
    public static final String COLLECTOR = "deetune.metrics.collector";

    private final transient PrometheusRegistry registry = new PrometheusRegistry();
    private final transient PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public MetricsServlet() {
        registry.register(new JvmMetrics());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, target = "(" + COLLECTOR + "=true)")
    void bindCollector(MultiCollector collector) {
        registry.register(collector);
    }

    void unbindCollector(MultiCollector collector) {
        registry.unregister(collector);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType(PrometheusTextFormatWriter.CONTENT_TYPE);
        try (OutputStream out = response.getOutputStream()) {
            writer.write(out, registry.scrape());
        }
    }
}

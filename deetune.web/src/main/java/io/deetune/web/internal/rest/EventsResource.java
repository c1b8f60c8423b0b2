package io.deetune.web.internal.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.deetune.core.api.PipelineInfo;
import io.deetune.core.api.Pipelines;
import io.deetune.core.api.StageInfo;
import io.deetune.core.api.StageStats;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.sse.OutboundSseEvent;
import javax.ws.rs.sse.Sse;
import javax.ws.rs.sse.SseBroadcaster;
import javax.ws.rs.sse.SseEventSink;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /events}: live streams for dashboards and the page, as Server-Sent Events. {@code GET /events/stream} sends
 * a {@code counters} event every second (each pipeline's stages with their counters per verdict) and an {@code event}
 * for every OSGi event a plugin posts under {@code io/deetune/} (backend health changes today; IDS alerts and
 * rate-limit drops as those plugins come). {@code GET /events} lists the last {@value #RECENT} of those events.
 */
@Component(service = {EventsResource.class, EventHandler.class}, property = EventConstants.EVENT_TOPIC + "=io/deetune/*")
@JaxrsResource
@JaxrsExtensionSelect(JsonProvider.REQUIRED)
@Path("events")
public final class EventsResource implements EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(EventsResource.class);
    static final int RECENT = 100;

    /** One event as the stream and the list show it. */
    public record DeeTuneEvent(Instant time, String topic, Map<String, Object> properties) {}

    /** A stage's counters in the stream. */
    public record StageCounters(String pipeline, String stage, StageStats stats) {}

    private final Pipelines pipelines;
    private final Deque<DeeTuneEvent> recent = new ArrayDeque<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "deetune-web-events");
        t.setDaemon(true);
        return t;
    });
    private Sse sse;
    private SseBroadcaster broadcaster;

    @Activate
    public EventsResource(@Reference Pipelines pipelines) {
        this.pipelines = pipelines;
        ticker.scheduleAtFixedRate(this::sendCounters, 1, 1, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        ticker.shutdownNow();
        synchronized (this) {
            if (broadcaster != null) {
                broadcaster.close();
            }
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public synchronized List<DeeTuneEvent> recent() {
        return new ArrayList<>(recent);
    }

    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@Context SseEventSink sink, @Context Sse sse) {
        synchronized (this) {
            if (broadcaster == null) {
                this.sse = sse;
                this.broadcaster = sse.newBroadcaster();
            }
            broadcaster.register(sink);
        }
        sink.send(sse.newEventBuilder().name("hello").mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(String.class, json(Map.of("recent", recent()))).build());
    }

    @Override
    public void handleEvent(Event event) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String name : event.getPropertyNames()) {
            if (!name.equals(EventConstants.EVENT_TOPIC)) {
                properties.put(name, String.valueOf(event.getProperty(name)));
            }
        }
        DeeTuneEvent e = new DeeTuneEvent(Instant.now(), event.getTopic(), properties);
        synchronized (this) {
            recent.addLast(e);
            while (recent.size() > RECENT) {
                recent.removeFirst();
            }
        }
        broadcast("event", e);
    }

    private void sendCounters() {
        synchronized (this) {
            if (broadcaster == null) {
                return; // no stream was ever opened: reading every pipeline's counters each second would be for nobody
            }
        }
        try {
            List<StageCounters> counters = new ArrayList<>();
            for (PipelineInfo p : pipelines.list()) {
                for (StageInfo s : p.chain()) {
                    counters.add(new StageCounters(p.name(), s.name(), s.stats()));
                }
            }
            broadcast("counters", Map.of("time", Instant.now(), "stages", counters));
        } catch (RuntimeException e) {
            LOG.debug("counters for the event stream: {}", e.getMessage());
        }
    }

    private void broadcast(String name, Object data) {
        SseBroadcaster to;
        Sse builder;
        synchronized (this) {
            to = broadcaster;
            builder = sse;
        }
        if (to == null) {
            return;
        }
        OutboundSseEvent event = builder.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(String.class, json(data)).build();
        to.broadcast(event);
    }

    private static String json(Object data) {
        try {
            return JsonProvider.compact(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

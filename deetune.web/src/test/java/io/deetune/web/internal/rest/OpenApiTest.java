package io.deetune.web.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document names exactly the routes the resources serve: every method and path their JAX-RS annotations
 * declare is documented, and the document names nothing they do not serve.
 */
class OpenApiTest {

    private static final List<Class<?>> RESOURCES = List.of(PipelinesResource.class, LoadBalancerResource.class,
            FirewallResource.class, EventsResource.class, SessionResource.class, OpenApiResource.class);
    private static final Map<Class<? extends java.lang.annotation.Annotation>, String> METHODS =
            Map.of(GET.class, "get", POST.class, "post", PUT.class, "put", DELETE.class, "delete");

    private static TreeSet<String> served() {
        TreeSet<String> routes = new TreeSet<>();
        for (Class<?> resource : RESOURCES) {
            String base = "/" + resource.getAnnotation(Path.class).value();
            for (Method m : resource.getDeclaredMethods()) {
                METHODS.forEach((annotation, verb) -> {
                    if (m.isAnnotationPresent(annotation)) {
                        Path sub = m.getAnnotation(Path.class);
                        routes.add(verb + " " + base + (sub == null ? "" : "/" + sub.value()));
                    }
                });
            }
        }
        return routes;
    }

    private static JsonNode document() throws Exception {
        return JsonProvider.MAPPER.readTree(new OpenApiResource().document());
    }

    @Test
    void theDocumentNamesExactlyTheServedRoutes() throws Exception {
        TreeSet<String> documented = new TreeSet<>();
        JsonNode paths = document().get("paths");
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(verb -> documented.add(verb + " " + path.getKey()));
        }
        assertEquals(served(), documented);
    }

    @Test
    void everyPathParameterIsDescribedAndEveryReferenceResolves() throws Exception {
        JsonNode doc = document();
        assertEquals("3.0.3", doc.get("openapi").asText());
        String text = doc.toString();
        java.util.regex.Matcher refs = java.util.regex.Pattern.compile("#/components/schemas/(\\w+)").matcher(text);
        while (refs.find()) {
            assertTrue(doc.get("components").get("schemas").has(refs.group(1)), refs.group());
        }
        doc.get("paths").fields().forEachRemaining(path -> {
            java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\{(\\w+)}").matcher(path.getKey());
            while (names.find()) {
                String name = names.group(1);
                path.getValue().fields().forEachRemaining(op -> {
                    boolean described = false;
                    for (JsonNode parameter : op.getValue().path("parameters")) {
                        described |= parameter.get("in").asText().equals("path") && parameter.get("name").asText().equals(name);
                    }
                    assertTrue(described, op.getKey() + " " + path.getKey() + " describes {" + name + "}");
                });
            }
        });
    }
}

package io.deetune.discard.internal;

import java.lang.annotation.Annotation;

/** Configurations of the discard component as Declarative Services hands them over, for tests. */
public final class DiscardConfigs {

    private DiscardConfigs() {}

    /** The configuration with no property set: every attribute's default, as the annotation declares it. */
    public static DiscardConfig defaults() {
        return of(defaultOf("ports"), defaultOf("deetune_stage_hook"));
    }

    private static String defaultOf(String attribute) {
        try {
            return (String) DiscardConfig.class.getMethod(attribute).getDefaultValue();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("DiscardConfig has no attribute " + attribute, e);
        }
    }

    /** {@code ports}: the property's text; {@code hook}: xdp or tc-ingress. */
    public static DiscardConfig of(String ports, String hook) {
        return new DiscardConfig() {
            @Override public Class<? extends Annotation> annotationType() { return DiscardConfig.class; }
            @Override public String ports() { return ports; }
            @Override public String deetune_stage_hook() { return hook; }
        };
    }
}

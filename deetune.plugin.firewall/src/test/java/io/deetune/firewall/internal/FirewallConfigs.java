package io.deetune.firewall.internal;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

/** Configurations of the firewall component as Declarative Services hands them over, for tests. */
public final class FirewallConfigs {

    private FirewallConfigs() {}

    /** {@code rules}: the rules file, or null for none; {@code hook}: xdp or tc-ingress. */
    public static FirewallConfig of(Path rules, String policy, String hook) {
        return new FirewallConfig() {
            @Override public Class<? extends Annotation> annotationType() { return FirewallConfig.class; }
            @Override public String rules_file() { return rules == null ? "" : rules.toString(); }
            @Override public String default_policy() { return policy; }
            @Override public String deetune_stage_hook() { return hook; }
        };
    }
}

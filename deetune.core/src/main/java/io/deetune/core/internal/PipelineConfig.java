package io.deetune.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** A pipeline, as {@code etc/io.deetune.pipeline-<name>.cfg} or the web console's configuration page define it. */
@ObjectClassDefinition(
        name = "DeeTune pipeline",
        description = "A hook (XDP or TC) attached to a set of interfaces; the stages of that hook run on them in priority order.")
@interface PipelineConfig {

    String FACTORY_PID = "io.deetune.pipeline";

    @AttributeDefinition(name = "Name",
            description = "The pipeline's name ([a-z][a-z0-9_-]*); empty: the configuration's name (io.deetune.pipeline-<name>.cfg).")
    String name() default "";

    @AttributeDefinition(name = "Hook", options = {
            @Option(label = "XDP", value = "xdp"),
            @Option(label = "TC ingress", value = "tc-ingress"),
            @Option(label = "TC egress", value = "tc-egress")})
    String hook() default "xdp";

    @AttributeDefinition(name = "Interfaces",
            description = "Interfaces as [namespace:]ifname, e.g. eth0 or lab:veth1 (comma separated or one per value).")
    String[] interfaces() default {};

    @AttributeDefinition(name = "XDP mode", options = {
            @Option(label = "auto (native where the driver supports it)", value = "auto"),
            @Option(label = "native (driver)", value = "native"),
            @Option(label = "generic (skb)", value = "generic")})
    String xdp_mode() default "auto";
}

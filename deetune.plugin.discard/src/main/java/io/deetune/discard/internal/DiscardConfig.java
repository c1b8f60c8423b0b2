package io.deetune.discard.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the discard stage (PID {@code io.deetune.discard}, Karaf file {@code etc/io.deetune.discard.cfg}). */
@ObjectClassDefinition(name = "DeeTune discard",
        description = "Drops TCP and UDP packets to the listed ports and counts them per port. Changes apply at once.")
public @interface DiscardConfig {

    @AttributeDefinition(name = "Ports",
            description = "The ports to discard, comma separated: <tcp|udp>/<port>, e.g. 'udp/9, tcp/9' (9 is the discard"
                    + " service). Empty: none. A list with any bad entry is refused whole; the ports in force stay.")
    String ports() default "udp/9";

    @AttributeDefinition(name = "Hook",
            description = "Where the stage runs: xdp (default; the earliest point on a real NIC) or tc-ingress (cheaper"
                    + " where XDP gets an skb the kernel already built: veth, generic XDP). It joins the pipelines of that"
                    + " hook; same ports and counters.",
            options = {@Option(label = "xdp", value = "xdp"), @Option(label = "tc-ingress", value = "tc-ingress")})
    String deetune_stage_hook() default "xdp";
}

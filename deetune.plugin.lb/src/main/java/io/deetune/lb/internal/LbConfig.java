package io.deetune.lb.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** The load balancer as a whole ({@code etc/io.deetune.lb.cfg}); services have their own factory configurations. */
@ObjectClassDefinition(id = "io.deetune.lb", name = "DeeTune load balancer",
        description = "Settings of the load balancer stage; services are configured as io.deetune.lb.service factory configurations.")
public @interface LbConfig {

    @AttributeDefinition(name = "Network namespace", required = false,
            description = "Network namespace of the load balancer host, as 'ip netns' names it; health checks run there. Empty: Karaf's own.")
    String namespace() default "";

    @AttributeDefinition(name = "Forwarding", options = {
            @Option(value = "redirect", label = "Redirect after a FIB lookup, the kernel where no route or neighbour is known"),
            @Option(value = "pass", label = "Pass: the kernel routes every rewritten packet")},
            description = "How rewritten packets leave; applies when the stage is next loaded.")
    String forwarding() default "redirect";

    @AttributeDefinition(name = "Connection table size", description = "Flows the LRU connection table holds; applies when the stage is next loaded.")
    int flowTableSize() default 262144;

    @AttributeDefinition(name = "Half-open table size",
            description = "TCP flows whose handshake is under way (SYN seen, not yet acknowledged) the LRU half-open table"
                    + " holds; a SYN flood churns this table, never the connection table. Applies when the stage is next loaded.")
    int halfOpenTableSize() default 65536;

    @AttributeDefinition(name = "Half-open timeout (s)",
            description = "How long a SYN nobody completes holds its half-open entry (and its SNAT port); applies at once.")
    int halfOpenTimeoutSeconds() default 5;

    @AttributeDefinition(name = "Hook",
            description = "Where the stage runs: xdp (default; the earliest point on a real NIC) or tc-ingress (cheaper"
                    + " where XDP gets an skb the kernel already built: veth, generic XDP). It joins the pipelines of that"
                    + " hook; same services, flows and counters.",
            options = {@Option(label = "xdp", value = "xdp"), @Option(label = "tc-ingress", value = "tc-ingress")})
    String deetune_stage_hook() default "xdp";

    @AttributeDefinition(name = "TCP idle timeout (s)")
    int tcpIdleSeconds() default 300;

    @AttributeDefinition(name = "UDP idle timeout (s)")
    int udpIdleSeconds() default 30;

    @AttributeDefinition(name = "Closed flow linger (s)", description = "How long a flow stays after FIN both ways or RST.")
    int closedLingerSeconds() default 10;

    @AttributeDefinition(name = "Sweep interval (s)", description = "How often expired flows are removed and live flows recounted.")
    int sweepIntervalSeconds() default 5;
}

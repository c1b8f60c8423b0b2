package io.deetune.lb.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One virtual service ({@code etc/io.deetune.lb.service-<name>.cfg}). */
@ObjectClassDefinition(id = "io.deetune.lb.service", name = "DeeTune load balancer service",
        description = "A VIP, port and protocol balanced over backends.")
public @interface ServiceConfig {

    @AttributeDefinition(name = "Name", required = false, description = "Defaults to the configuration file's suffix (io.deetune.lb.service-<name>.cfg).")
    String name() default "";

    @AttributeDefinition(name = "VIP", description = "The virtual IP address (IPv4 or IPv6) clients connect to.")
    String vip();

    @AttributeDefinition(name = "Port", min = "1", max = "65535")
    int port();

    @AttributeDefinition(name = "Protocol", options = {@Option(value = "tcp"), @Option(value = "udp")})
    String protocol() default "tcp";

    @AttributeDefinition(name = "Algorithm", options = {
            @Option(value = "round-robin"), @Option(value = "weighted-round-robin"), @Option(value = "least-connections"),
            @Option(value = "source-hash"), @Option(value = "maglev")})
    String algorithm() default "round-robin";

    @AttributeDefinition(name = "Backends", required = false, cardinality = 64,
            description = "address:port with an optional weight, e.g. '10.0.1.2:8080 weight=3' ([address]:port for IPv6).")
    String[] backends() default {};

    @AttributeDefinition(name = "Source NAT address", required = false,
            description = "The load balancer's own address that backends see as the client (when their replies would not come back through it). Empty: clients' addresses are kept.")
    String snat() default "";

    @AttributeDefinition(name = "Health check", options = {@Option(value = "none"), @Option(value = "tcp"), @Option(value = "http")})
    String healthCheck() default "none";

    @AttributeDefinition(name = "Health check HTTP path")
    String healthPath() default "/";

    @AttributeDefinition(name = "Health check interval (ms)")
    long healthIntervalMillis() default 1000;

    @AttributeDefinition(name = "Health check timeout (ms)")
    long healthTimeoutMillis() default 500;

    @AttributeDefinition(name = "Failures before a backend is taken out")
    int healthFall() default 2;

    @AttributeDefinition(name = "Successes before a backend returns")
    int healthRise() default 2;

    @AttributeDefinition(name = "Agent port", min = "0", max = "65535",
            description = "TCP port of each backend's load agent (HAProxy agent-check answers such as '75%', 'drain', 'ready'); 0: none.")
    int agentPort() default 0;

    @AttributeDefinition(name = "Agent interval (ms)", min = "100", description = "Time between two reads of one agent.")
    long agentIntervalMillis() default 2000;

    @AttributeDefinition(name = "Slow start (ms)", min = "0",
            description = "A backend that comes up ramps from a tenth of its weight to all of it over this time; 0: none.")
    long slowStartMillis() default 0;
}

package io.deetune.lb.command;

import io.deetune.lb.Endpoint;
import io.deetune.lb.HealthCheck;
import io.deetune.lb.LoadFeedback;
import io.deetune.lb.VirtualService;
import java.util.List;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "lb", name = "service-add", description = "Adds (or replaces) a service: a VIP:port balanced over backends")
public class ServiceAddCommand extends ServiceChangeCommand {

    @Argument(index = 0, name = "name", required = true, description = "Service name")
    String name;

    @Argument(index = 1, name = "vip:port", required = true, description = "Virtual IP and port, e.g. 10.0.0.100:80 or [fd00::100]:80")
    String vip;

    @Argument(index = 2, name = "backends", multiValued = true, description = "address:port[@weight] of each backend")
    List<String> backends;

    @Option(name = "--protocol", aliases = "-p", description = "tcp or udp")
    String protocol = "tcp";

    @Option(name = "--algorithm", aliases = "-a", description = "round-robin, weighted-round-robin, least-connections, source-hash, maglev")
    @Completion(AlgorithmCompleter.class)
    String algorithm = "round-robin";

    @Option(name = "--snat", description = "The load balancer's address that backends see as the client (source NAT)")
    String snat;

    @Option(name = "--health", description = "Health check: none, tcp or http")
    String health = "none";

    @Option(name = "--health-path", description = "HTTP path for --health http")
    String healthPath = "/";

    @Option(name = "--health-interval", description = "Milliseconds between probes")
    long healthInterval = 1000;

    @Option(name = "--agent-port", description = "TCP port of each backend's load agent (HAProxy agent-check answers); 0: none")
    int agentPort;

    @Option(name = "--agent-interval", description = "Milliseconds between two reads of one agent")
    long agentInterval = LoadFeedback.NONE.agentIntervalMillis();

    @Option(name = "--slow-start", description = "Milliseconds over which a backend that comes up ramps to its full weight; 0: none")
    long slowStart;

    @Override
    public Object execute() {
        Endpoint endpoint = Endpoint.parse("vip", vip);
        String[] list = backends == null ? new String[0]
                : backends.stream().map(b -> b.contains("@") ? b.replace("@", " weight=") : b).toArray(String[]::new);
        VirtualService service = VirtualService.parse(name, endpoint.address().getHostAddress(), endpoint.port(), protocol, algorithm, list,
                new HealthCheck(health, healthPath, healthInterval, Math.min(500, healthInterval), 2, 2), snat)
                .withFeedback(new LoadFeedback(agentPort, agentInterval, slowStart)).validate();
        loadBalancer.putService(service);
        System.out.println("service " + name + " at " + service.endpoint() + " (" + service.algorithm().id() + ", "
                + service.backends().size() + " backend(s))");
        save(name);
        return null;
    }
}

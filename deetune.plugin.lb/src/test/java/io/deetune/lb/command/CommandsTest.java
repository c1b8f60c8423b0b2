package io.deetune.lb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.testing.StandardOutput;
import io.deetune.lb.LbConfigException;
import io.deetune.lb.LoadBalancer;
import io.deetune.lb.internal.LbEngine;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lb: commands against a real engine (without kernel maps): arguments, messages, errors. */
class CommandsTest {

    private final LoadBalancer lb = new LbEngine((s, b, h, r) -> {});

    private static String output(StandardOutput.Action command) throws Exception {
        return StandardOutput.of(command);
    }

    private ServiceAddCommand serviceAdd(String name, String vip, String algorithm, String... backends) {
        ServiceAddCommand add = new ServiceAddCommand();
        add.loadBalancer = lb;
        add.name = name;
        add.vip = vip;
        add.algorithm = algorithm;
        add.backends = List.of(backends);
        return add;
    }

    private <C extends BackendCommand> C backend(C command, String service, String endpoint) {
        command.loadBalancer = lb;
        command.service = service;
        command.endpoint = endpoint;
        return command;
    }

    @Test
    void servicesAndBackendsAreManagedFromTheShell() throws Exception {
        String added = output(() -> serviceAdd("web", "10.0.0.100:80", "maglev", "10.11.1.2:8080", "10.11.2.2:8080@3").execute());
        assertTrue(added.startsWith("service web at 10.0.0.100:80/tcp (maglev, 2 backend(s))\n"), added);
        assertEquals(3, lb.service("web").orElseThrow().backends().get(1).weight());

        BackendAddCommand add = backend(new BackendAddCommand(), "web", "10.11.3.2:8080");
        add.weight = 2;
        add.execute();
        backend(new BackendDrainCommand(), "web", "10.11.1.2:8080").execute();
        BackendWeightCommand weight = backend(new BackendWeightCommand(), "web", "10.11.2.2:8080");
        weight.weight = 5;
        weight.execute();
        backend(new BackendRemoveCommand(), "web", "10.11.3.2:8080").execute();

        ServiceListCommand list = new ServiceListCommand();
        list.loadBalancer = lb;
        String table = output(list::execute);
        assertTrue(table.contains("10.11.1.2:8080(0,draining) 10.11.2.2:8080(5,up)"), table);

        StatsCommand stats = new StatsCommand();
        stats.loadBalancer = lb;
        assertTrue(output(stats::execute).contains("10.0.0.100:80/tcp"));
        FlowsCommand flows = new FlowsCommand();
        flows.loadBalancer = lb;
        assertTrue(output(flows::execute).contains("0 flow(s)"));

        ServiceRemoveCommand remove = new ServiceRemoveCommand();
        remove.loadBalancer = lb;
        remove.name = "web";
        remove.execute();
        assertTrue(lb.services().isEmpty());
    }

    @Test
    void badInputNamesTheFieldAndChangesNothing() throws Exception {
        serviceAdd("web", "10.0.0.100:80", "round-robin", "10.11.1.2:8080").execute();
        LbConfigException algorithm = assertThrows(LbConfigException.class, () -> serviceAdd("other", "10.0.0.101:80", "fastest").execute());
        assertEquals("service 'other'.algorithm", algorithm.field());
        LbConfigException collision = assertThrows(LbConfigException.class, () -> serviceAdd("other", "10.0.0.100:80", "maglev").execute());
        assertTrue(collision.getMessage().contains("already served by service 'web'"), collision.getMessage());
        LbConfigException port = assertThrows(LbConfigException.class, () -> backend(new BackendAddCommand(), "web", "10.11.9.9:70000").execute());
        assertTrue(port.getMessage().contains("port 70000 is outside 1..65535"), port.getMessage());
        LbConfigException address = assertThrows(LbConfigException.class, () -> backend(new BackendAddCommand(), "web", "backend-1:80").execute());
        assertTrue(address.getMessage().contains("'backend-1' is not an IP address"), address.getMessage());
        BackendWeightCommand negative = backend(new BackendWeightCommand(), "web", "10.11.1.2:8080");
        negative.weight = -1;
        assertThrows(LbConfigException.class, negative::execute);
        assertEquals(1, lb.services().size());
        assertEquals(1, lb.service("web").orElseThrow().backends().getFirst().weight());
    }
}

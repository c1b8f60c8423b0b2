package io.deetune.lb.command;

import io.deetune.lb.Endpoint;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;

/** The arguments every backend command starts with: a service and one of its backends. */
abstract class BackendCommand extends ServiceChangeCommand {

    @Argument(index = 0, name = "service", required = true, description = "Service name")
    @Completion(ServiceNameCompleter.class)
    String service;

    @Argument(index = 1, name = "address:port", required = true, description = "Backend, e.g. 10.11.1.2:8080 or [fd00::2]:8080")
    @Completion(BackendCompleter.class)
    String endpoint;

    Endpoint backend() {
        return Endpoint.parse("backend", endpoint);
    }
}

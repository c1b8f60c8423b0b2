package io.deetune.lb.internal;

import io.deetune.lb.Backend;
import io.deetune.lb.VirtualService;
import java.util.Map;

/**
 * A service as the engine installed it: its specification, its kernel id (the slot of its ring and counters) and the
 * kernel id of each backend, by endpoint ({@code address:port}).
 */
record InstalledService(VirtualService spec, int id, Map<String, Integer> backendIds) {

    /** The kernel id of one of its backends; null if the service has no backend at that endpoint. */
    Integer backendId(Backend backend) {
        return backendIds.get(backend.endpoint());
    }
}

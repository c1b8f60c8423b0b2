package io.deetune.lb.internal;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Which backends failed their health check, by kernel id. A backend that is down stays out of its service's ring
 * until its check passes again, also across an attach that gives it a new id.
 *
 * <p>Not thread-safe: the engine calls it under its lock.
 */
final class BackendHealth {

    /** A backend by what it is rather than by its kernel id, which an attach may change. */
    private record Named(String service, String endpoint) {}

    private final Set<Integer> unhealthy = new HashSet<>();
    /** The backends that were down when {@link #forgetIds} was called, until their new ids are known. */
    private final Set<Named> downBeforeNewIds = new HashSet<>();

    boolean healthy(int backendId) {
        return !unhealthy.contains(backendId);
    }

    /** Records a health check verdict; returns whether it changed the backend's state. */
    boolean set(int backendId, boolean healthy) {
        return healthy ? unhealthy.remove(backendId) : unhealthy.add(backendId);
    }

    /** A backend id no service uses any more starts healthy when it is given out again. */
    void release(int backendId) {
        unhealthy.remove(backendId);
    }

    /**
     * The services are about to be assigned their ids again: remembers which of their backends are down by service
     * name and endpoint, and forgets the ids. {@link #carryOver} then marks them down under their new ids.
     */
    void forgetIds(Collection<InstalledService> services) {
        downBeforeNewIds.clear();
        for (InstalledService installed : services) {
            installed.backendIds().forEach((endpoint, id) -> {
                if (unhealthy.contains(id)) {
                    downBeforeNewIds.add(new Named(installed.spec().name(), endpoint));
                }
            });
        }
        unhealthy.clear();
    }

    /** A service with its new ids: its backends that were down before {@link #forgetIds} are down again. */
    void carryOver(InstalledService installed) {
        installed.backendIds().forEach((endpoint, id) -> {
            if (downBeforeNewIds.contains(new Named(installed.spec().name(), endpoint))) {
                unhealthy.add(id);
            }
        });
    }
}

package io.deetune.lb.internal;

import io.deetune.lb.Backend;

/** Told when a backend's health changes (to log it and post an OSGi event). */
public interface HealthListener {
    void healthChanged(String service, Backend backend, boolean healthy, String reason);
}

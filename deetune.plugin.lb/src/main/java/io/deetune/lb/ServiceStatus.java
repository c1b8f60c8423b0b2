package io.deetune.lb;

import java.util.List;

/** A service with its counters and its backends' state. */
public record ServiceStatus(VirtualService service, long packets, long bytes, long newFlows, long activeFlows,
                            List<BackendStatus> backends) {}

package io.deetune.core.api;

import io.deetune.bpf.BpfMap;
import java.util.Set;

/** The state maps of a stage, as the core holds them (pinned under {@code deetune/stages/<stage>/}). */
public interface StageMaps {

    /** The stage's name. */
    String stage();

    /** A state map by its C name; fails with a clear message for an unknown name. */
    BpfMap map(String name);

    /** The names of the stage's state maps. */
    Set<String> names();
}

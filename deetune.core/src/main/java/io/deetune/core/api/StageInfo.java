package io.deetune.core.api;

/**
 * A program in a pipeline's chain, in chain order; the dispatcher comes first.
 *
 * @param name      the stage name ({@code dispatcher} for the core's own program)
 * @param priority  the stage's priority (the dispatcher has {@link Integer#MIN_VALUE})
 * @param slot      the stage's slot in the pipeline's statistics map
 * @param programId the kernel program id (what {@code bpftool prog show} lists)
 * @param adopted   true while the program is one a previous run left in the kernel and no stage service has
 *                  replaced it yet
 * @param stats     the stage's counters
 */
public record StageInfo(String name, int priority, int slot, int programId, boolean adopted, StageStats stats) {}

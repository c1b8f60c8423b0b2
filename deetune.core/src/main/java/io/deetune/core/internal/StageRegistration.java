package io.deetune.core.internal;

import io.deetune.core.api.Hook;
import io.deetune.core.api.Stage;
import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * A stage service as the core sees it: its properties, the service object, the bundle that registered it and the
 * stage's {@link Stage#definition() definition} when it was read. Two equal registrations load the same program.
 */
record StageRegistration(String name, int priority, Hook hook, Stage stage, long bundleId, Object definition) {

    /** Chain order: priority, then name. */
    static final Comparator<StageRegistration> ORDER =
            Comparator.comparingInt(StageRegistration::priority).thenComparing(StageRegistration::name);

    /** Stage names become program names and pin folder names: keep them short and plain. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,14}");

    StageRegistration {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad stage name '" + name + "' (service property " + Stage.NAME
                    + "): expected [a-z][a-z0-9_]*, at most 15 characters");
        }
        if ("dispatcher".equals(name)) {
            throw new IllegalArgumentException("stage name 'dispatcher' is reserved for the core");
        }
    }

    /** A registration with the stage's definition as it is now. */
    StageRegistration(String name, int priority, Hook hook, Stage stage, long bundleId) {
        this(name, priority, hook, stage, bundleId, definitionOf(name, stage));
    }

    private static Object definitionOf(String name, Stage stage) {
        try {
            return stage.definition();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("stage '" + name + "': its definition() failed: " + e, e);
        }
    }

    /** Reads the whiteboard properties of a stage service. */
    static StageRegistration of(Stage stage, java.util.Map<String, ?> properties, long bundleId) {
        Object name = properties.get(Stage.NAME);
        Object priority = properties.get(Stage.PRIORITY);
        Object hook = properties.get(Stage.HOOK);
        int prio;
        try {
            prio = priority == null ? Stage.DEFAULT_PRIORITY : Integer.parseInt(priority.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("stage '" + name + "': " + Stage.PRIORITY + " = '" + priority + "' is not an integer");
        }
        return new StageRegistration(name == null ? null : name.toString(), prio,
                hook == null ? Hook.XDP : Hook.parse(hook.toString()), stage, bundleId);
    }
}

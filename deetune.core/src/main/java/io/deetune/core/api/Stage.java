package io.deetune.core.api;

import io.deetune.bpf.BpfObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A stage of the pipeline, registered by a plugin as an OSGi service (whiteboard pattern). The core loads the
 * stage's eBPF object into every pipeline of its hook and chains the entry program by constant-key tail calls, in
 * order of {@value #PRIORITY} (low first), ties broken by name.
 *
 * <p>Service properties:
 * <ul>
 *   <li>{@value #NAME} (required): the stage's name, {@code [a-z][a-z0-9_]*}, at most 15 characters; it names the
 *       pin folder of the stage's state maps ({@code /sys/fs/bpf/deetune/stages/<name>/}).</li>
 *   <li>{@value #PRIORITY} (integer, default {@value #DEFAULT_PRIORITY}): position in the chain.</li>
 *   <li>{@value #HOOK} ({@code xdp}, {@code tc-ingress}, {@code tc-egress}; default {@code xdp}).</li>
 * </ul>
 *
 * <p>The C side includes {@code <deetune/chain.h>} and ends every path with one of its helpers
 * ({@code deetune_xdp_next}, {@code deetune_xdp_drop}, ...), which count the stage's statistics. Every map of the
 * object other than the chain's own ({@code deetune_next}, {@code deetune_stats}) and the data sections is a
 * state map: pinned, shared by the stage's instances in all pipelines, kept across reloads and upgrades while its
 * definition stays the same, and unpinned when the plugin bundle is uninstalled.
 */
public interface Stage {

    String NAME = "deetune.stage.name";
    String PRIORITY = "deetune.stage.priority";
    String HOOK = "deetune.stage.hook";
    int DEFAULT_PRIORITY = 1000;

    /** The stage's BPF ELF object, e.g. {@code bpf/<name>.bpf.o} read from the plugin bundle. */
    byte[] object();

    /** The C function name of the stage's entry program in {@link #object()}. */
    String program();

    /** Called before every load of the object: set {@code const volatile} constants, resize maps. */
    default void configure(BpfObject object) {}

    /**
     * What the stage's loaded program is built from beyond its name, priority, hook and object: the inputs of
     * {@link #configure} (load-time constants, map sizes), as a value compared with {@code equals}. The core reads it
     * when the service registers and whenever its properties change, and loads the stage again (swapping the new
     * program in) only if the value, the service object, or the name, priority or hook changed. Any other change of
     * the service's properties, such as configuration that Declarative Services copies into them, leaves the program
     * and its state in place; apply such settings through map writes. Default: {@code null} ({@link #configure}
     * depends on nothing that changes).
     */
    default Object definition() {
        return null;
    }

    /**
     * Called once the stage's state maps exist (on the first load into any pipeline), before the program that uses
     * them is reachable in any chain: fill them here, and no packet meets them empty. The handles stay valid until
     * {@link #unloading} returns. When a reload replaces a state map (its definition changed, e.g. a new size), the
     * stage gets {@link #unloading} with the old handles, then {@code loaded} with the new ones, again before the
     * program using the new maps goes live.
     */
    default void loaded(StageMaps maps) {}

    /** Called before the stage's programs leave the kernel or the core lets go of its maps. */
    default void unloading(StageMaps maps) {}

    /**
     * Reads a resource of the bundle of {@code owner}, typically the stage's object: {@code bpf/<name>.bpf.o},
     * which the build compiles from {@code src/main/bpf/<name>.bpf.c}.
     */
    static byte[] bundleResource(Class<?> owner, String path) {
        try (InputStream in = owner.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " missing from the bundle of " + owner.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " from the bundle of " + owner.getName(), e);
        }
    }
}

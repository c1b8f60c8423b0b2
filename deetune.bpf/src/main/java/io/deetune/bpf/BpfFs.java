package io.deetune.bpf;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.deetune.bpf.internal.Libbpf;
import io.deetune.bpf.internal.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds (or mounts) the BPF file system where pins live.
 *
 * <p>{@code ip netns exec} gives its command a private mount namespace with a fresh /sys, which hides the host's
 * /sys/fs/bpf; pins made in a bpffs mounted there would vanish with that process. So the host's bpffs is looked
 * for through PID 1's root first, and a new mount is the last resort.
 */
public final class BpfFs {

    public static final Path DEFAULT = Path.of("/sys/fs/bpf");
    private static final Path HOST_VIEW = Path.of("/proc/1/root/sys/fs/bpf");
    private static final long BPF_FS_MAGIC = 0xcafe4a11L;
    private static final int STATFS_SIZE = 120;

    private static volatile Path root;

    private BpfFs() {}

    /** The bpffs root to pin under: /sys/fs/bpf, the host's through /proc/1/root, or a fresh mount. */
    public static synchronized Path root() {
        if (root != null && isBpfFs(root)) {
            return root;
        }
        if (isBpfFs(DEFAULT)) {
            root = DEFAULT;
        } else if (isBpfFs(HOST_VIEW)) {
            root = HOST_VIEW;
        } else {
            mount(DEFAULT);
            root = DEFAULT;
        }
        return root;
    }

    /** True if {@code path} lies on a bpffs. */
    public static boolean isBpfFs(Path path) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(STATFS_SIZE, 8);
            if (Native.call(Libbpf.STATFS, arena.allocateFrom(path.toString()), buffer).asInt() != 0) {
                return false;
            }
            return (buffer.get(JAVA_LONG, 0) & 0xffffffffL) == BPF_FS_MAGIC;
        }
    }

    private static void mount(Path target) {
        try (Arena arena = Arena.ofConfined()) {
            Files.createDirectories(target);
            Native.call(Libbpf.MOUNT, arena.allocateFrom("bpf"), arena.allocateFrom(target.toString()),
                    arena.allocateFrom("bpf"), 0L, MemorySegment.NULL).checkInt("mount bpffs at " + target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target, e);
        }
    }

    /** A folder under the bpffs root, created if missing. */
    public static Path directory(String relative) {
        Path dir = root().resolve(relative);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create bpffs folder " + dir, e);
        }
        return dir;
    }

    /** Removes a pin (a file in bpffs); the object stays alive while anything else holds it. */
    public static boolean unpin(Path pin) {
        try {
            return Files.deleteIfExists(pin);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpin " + pin, e);
        }
    }
}

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
 * for through PID 1's root first, and a new mount (mode 0700) is the last resort.
 */
public final class BpfFs {

    public static final Path DEFAULT = Path.of("/sys/fs/bpf");
    private static final Path HOST_VIEW = Path.of("/proc/1/root/sys/fs/bpf");
    private static final long BPF_FS_MAGIC = 0xcafe4a11L;
    private static final int STATFS_SIZE = 120;

    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> PRIVATE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");

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

    /**
     * Mounts a bpffs at {@code target} with mode 0700: a bpffs root is otherwise 1777, where any user may create
     * folders and pins (e.g. the pin root before DeeTune does).
     */
    static void mount(Path target) {
        try (Arena arena = Arena.ofConfined()) {
            Files.createDirectories(target);
            Native.call(Libbpf.MOUNT, arena.allocateFrom("bpf"), arena.allocateFrom(target.toString()),
                    arena.allocateFrom("bpf"), 0L, arena.allocateFrom("mode=0700")).checkInt("mount bpffs at " + target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target, e);
        }
    }

    /** A folder under the bpffs root, created (mode 0700) if missing. */
    public static Path directory(String relative) {
        return createPrivateDirectories(root().resolve(relative));
    }

    /**
     * Creates {@code dir} and its missing parents with mode 0700 (exactly, whatever the umask), so that only this
     * user can list or reach the pins below; folders that exist keep their mode.
     */
    public static Path createPrivateDirectories(Path dir) {
        Path absolute = dir.toAbsolutePath();
        java.util.Deque<Path> missing = new java.util.ArrayDeque<>();
        for (Path p = absolute; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
                Files.setPosixFilePermissions(p, PRIVATE);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw new UncheckedIOException("cannot create folder " + p + ": a file of that name exists", e);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create folder " + p, e);
            }
        }
        return dir;
    }

    /** The effective uid of this process: who owns what it creates. */
    public static int effectiveUid() {
        return Native.call(Libbpf.GETEUID).asInt();
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

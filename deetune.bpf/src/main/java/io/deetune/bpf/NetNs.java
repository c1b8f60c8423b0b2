package io.deetune.bpf;

import io.deetune.bpf.internal.Libbpf;
import io.deetune.bpf.internal.Native;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs work inside a named network namespace (as {@code ip netns} names them, under {@code /var/run/netns}).
 *
 * <p>A network namespace belongs to a thread, not to the process: the task runs on a fresh platform thread (never a
 * virtual thread, whose carrier is shared) that first joins the namespace with setns(2) and ends after the task, so
 * no other code ever runs in the wrong namespace. Sockets, interface lookups and attachments made by the task
 * belong to that namespace.
 */
public final class NetNs {

    /** Where iproute2 keeps named network namespaces. */
    public static final Path NETNS_DIR = Path.of("/var/run/netns");
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY_CLOEXEC = 0x80000;

    private NetNs() {}

    /** True for {@code null} or empty, meaning the namespace the JVM was started in. */
    public static boolean isHost(String namespace) {
        return namespace == null || namespace.isEmpty();
    }

    public static boolean exists(String namespace) {
        return isHost(namespace) || Files.exists(NETNS_DIR.resolve(namespace));
    }

    /**
     * Runs {@code task} inside {@code namespace} (the calling thread's own namespace when it is null or empty) and
     * returns its result; an exception of the task is rethrown unchanged.
     */
    public static <T> T call(String namespace, Callable<T> task) throws Exception {
        if (isHost(namespace)) {
            return task.call();
        }
        Path path = NETNS_DIR.resolve(namespace);
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("network namespace '" + namespace + "' does not exist (no " + path + ")");
        }
        FutureTask<T> future = new FutureTask<>(() -> {
            enter(path);
            return task.call();
        });
        Thread thread = Thread.ofPlatform().name("deetune-netns-" + namespace).daemon(true).start(future);
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        } finally {
            thread.join();
        }
    }

    /** Like {@link #call} for tasks that throw no checked exception. */
    public static <T> T get(String namespace, java.util.function.Supplier<T> task) {
        try {
            return call(namespace, task::get);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code task} inside {@code namespace}. */
    public static void run(String namespace, Runnable task) {
        get(namespace, () -> {
            task.run();
            return null;
        });
    }

    /** The index of interface {@code ifname} in {@code namespace}; fails clearly if there is none. */
    public static int ifindex(String namespace, String ifname) {
        return get(namespace, () -> ifindexHere(ifname, namespace));
    }

    /** The index of {@code ifname} in the calling thread's namespace. */
    public static int ifindexHere(String ifname, String namespaceForMessages) {
        try (Arena arena = Arena.ofConfined()) {
            int index = Native.call(Libbpf.IF_NAMETOINDEX, arena.allocateFrom(ifname)).asInt();
            if (index == 0) {
                throw new IllegalArgumentException("no interface '" + ifname + "' in "
                        + (isHost(namespaceForMessages) ? "the host network namespace" : "network namespace '" + namespaceForMessages + "'"));
            }
            return index;
        }
    }

    private static void enter(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = Native.call(Libbpf.OPEN, arena.allocateFrom(path.toString()), O_RDONLY_CLOEXEC, 0)
                    .checkInt("open network namespace " + path);
            try {
                Native.call(Libbpf.SETNS, fd, CLONE_NEWNET).checkInt("enter network namespace " + path);
            } finally {
                Libbpf.closeQuietly(fd);
            }
        }
    }
}

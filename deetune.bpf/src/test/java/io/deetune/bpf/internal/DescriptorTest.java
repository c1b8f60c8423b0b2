package io.deetune.bpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/**
 * Closing a descriptor twice, from one thread or from racing threads, closes the number once: a second close(2)
 * would hit whatever the process opened under that number in between.
 */
class DescriptorTest {

    private static final int O_RDONLY_CLOEXEC = 0x80000;

    @Test
    void aSecondCloseLeavesTheReusedNumberOpen() throws IOException {
        Path file = Files.createTempFile("descriptor", ".txt");
        try {
            Descriptor first = new Descriptor(open(file), true, "test file");
            int number = first.fd();
            first.close();
            int reused = open(file);
            try {
                assertEquals(number, reused, "the kernel hands out the lowest free number");
                first.close();
                assertTrue(isOpen(reused, file), "the second close must not close fd " + reused);
            } finally {
                Libbpf.closeQuietly(reused);
            }
        } finally {
            Files.delete(file);
        }
    }

    /** Racing closers that each open a file right after closing: none of those files may lose its descriptor. */
    @Test
    void racingClosesCloseOnce() throws Exception {
        int threads = 4;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            files.add(Files.createTempFile("descriptor-" + i, ".txt"));
        }
        try {
            for (int round = 0; round < 300; round++) {
                Descriptor shared = new Descriptor(open(files.get(0)), true, "shared file");
                CyclicBarrier start = new CyclicBarrier(threads);
                int[] opened = new int[threads];
                List<Thread> closers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int me = t;
                    closers.add(Thread.ofPlatform().start(() -> {
                        try {
                            start.await();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        shared.close();
                        opened[me] = open(files.get(me));
                    }));
                }
                for (Thread closer : closers) {
                    closer.join();
                }
                try {
                    for (int t = 0; t < threads; t++) {
                        assertTrue(isOpen(opened[t], files.get(t)), "round " + round + ": fd " + opened[t]
                                + " of thread " + t + " was closed by another thread's second close");
                    }
                } finally {
                    for (int fd : opened) {
                        Libbpf.closeQuietly(fd);
                    }
                }
            }
        } finally {
            for (Path file : files) {
                Files.delete(file);
            }
        }
    }

    private static int open(Path file) {
        try (Arena arena = Arena.ofConfined()) {
            return Native.call(Libbpf.OPEN, arena.allocateFrom(file.toString()), O_RDONLY_CLOEXEC, 0).checkInt("open " + file);
        }
    }

    private static boolean isOpen(int fd, Path file) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).equals(file.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }
}

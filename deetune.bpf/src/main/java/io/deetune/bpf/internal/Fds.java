package io.deetune.bpf.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/** What every BPF object descriptor (map, program, link) shares: pins and kernel info. */
public final class Fds {

    private Fds() {}

    /** Opens the object pinned at {@code path}; {@code kind} ("map", "program", "link") names it in errors. */
    public static int openPinned(Path path, String kind) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("no pinned " + kind + " at " + path);
        }
        try (Arena arena = Arena.ofConfined()) {
            return Native.call(Libbpf.OBJ_GET, arena.allocateFrom(path.toString())).checkInt("open pinned " + kind + " " + path);
        }
    }

    /** Pins the object of {@code fd} at {@code path}; {@code what} describes it in errors. */
    public static void pin(int fd, Path path, String what) {
        try (Arena arena = Arena.ofConfined()) {
            Libbpf.OBJ_PIN.call(fd, arena.allocateFrom(path.toString())).checkInt("pin " + what + " at " + path);
        }
    }

    /** The kernel's info struct of {@code fd} (bpf_map_info, bpf_prog_info, bpf_link_info), {@code size} bytes. */
    public static MemorySegment info(Arena arena, int fd, int size, String what) {
        MemorySegment info = arena.allocate(size, 8);
        MemorySegment len = arena.allocateFrom(JAVA_INT, size);
        Libbpf.OBJ_GET_INFO_BY_FD.call(fd, info, len).checkInt(what + " info of fd " + fd);
        return info;
    }
}

package io.deetune.bpf.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.deetune.bpf.internal.Native.Fn;
import java.lang.foreign.FunctionDescriptor;

/**
 * Hand-written downcalls into libbpf 1.1 ({@code libbpf.so.1}) and the libc calls the binding needs.
 * Names are the C names so that a grep finds both sides; signatures follow {@code bpf/libbpf.h} and {@code bpf/bpf.h}.
 * The functions of the hot paths (map elements and batches, test runs) and the other ones of the same shape are
 * {@link FdCall}s, called with their exact types; the rest go through {@link Native#call}.
 */
public final class Libbpf {

    private Libbpf() {}

    private static FunctionDescriptor fd(java.lang.foreign.MemoryLayout ret, java.lang.foreign.MemoryLayout... args) {
        return FunctionDescriptor.of(ret, args);
    }

    private static FunctionDescriptor fdVoid(java.lang.foreign.MemoryLayout... args) {
        return FunctionDescriptor.ofVoid(args);
    }

    // --- objects (libbpf.h)
    public static final Fn OBJECT_OPEN_MEM = Native.libbpf("bpf_object__open_mem", fd(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    public static final Fn OBJECT_OPEN_FILE = Native.libbpf("bpf_object__open_file", fd(ADDRESS, ADDRESS, ADDRESS));
    public static final Fn OBJECT_LOAD = Native.libbpf("bpf_object__load", fd(JAVA_INT, ADDRESS));
    public static final Fn OBJECT_CLOSE = Native.libbpfPure("bpf_object__close", fdVoid(ADDRESS));
    public static final Fn OBJECT_NEXT_PROGRAM = Native.libbpfPure("bpf_object__next_program", fd(ADDRESS, ADDRESS, ADDRESS));
    public static final Fn OBJECT_NEXT_MAP = Native.libbpfPure("bpf_object__next_map", fd(ADDRESS, ADDRESS, ADDRESS));
    public static final Fn OBJECT_BTF = Native.libbpfPure("bpf_object__btf", fd(ADDRESS, ADDRESS));

    // --- programs of an object
    public static final Fn PROGRAM_NAME = Native.libbpfPure("bpf_program__name", fd(ADDRESS, ADDRESS));
    public static final Fn PROGRAM_FD = Native.libbpfPure("bpf_program__fd", fd(JAVA_INT, ADDRESS));
    public static final Fn PROGRAM_TYPE = Native.libbpfPure("bpf_program__type", fd(JAVA_INT, ADDRESS));
    public static final Fn PROGRAM_SECTION = Native.libbpfPure("bpf_program__section_name", fd(ADDRESS, ADDRESS));

    // --- maps of an object
    public static final Fn MAP_NAME = Native.libbpfPure("bpf_map__name", fd(ADDRESS, ADDRESS));
    public static final Fn MAP_FD = Native.libbpfPure("bpf_map__fd", fd(JAVA_INT, ADDRESS));
    public static final Fn MAP_TYPE = Native.libbpfPure("bpf_map__type", fd(JAVA_INT, ADDRESS));
    public static final Fn MAP_KEY_SIZE = Native.libbpfPure("bpf_map__key_size", fd(JAVA_INT, ADDRESS));
    public static final Fn MAP_VALUE_SIZE = Native.libbpfPure("bpf_map__value_size", fd(JAVA_INT, ADDRESS));
    public static final Fn MAP_MAX_ENTRIES = Native.libbpfPure("bpf_map__max_entries", fd(JAVA_INT, ADDRESS));
    public static final Fn MAP_FLAGS = Native.libbpfPure("bpf_map__map_flags", fd(JAVA_INT, ADDRESS));
    public static final Fn MAP_INITIAL_VALUE = Native.libbpfPure("bpf_map__initial_value", fd(ADDRESS, ADDRESS, ADDRESS));
    public static final Fn MAP_SET_INITIAL_VALUE = Native.libbpf("bpf_map__set_initial_value", fd(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    public static final Fn MAP_REUSE_FD = Native.libbpf("bpf_map__reuse_fd", fd(JAVA_INT, ADDRESS, JAVA_INT));
    public static final Fn MAP_SET_PIN_PATH = Native.libbpf("bpf_map__set_pin_path", fd(JAVA_INT, ADDRESS, ADDRESS));
    public static final Fn MAP_BTF_KEY_TYPE_ID = Native.libbpfPure("bpf_map__btf_key_type_id", fd(JAVA_INT, ADDRESS));
    public static final Fn MAP_BTF_VALUE_TYPE_ID = Native.libbpfPure("bpf_map__btf_value_type_id", fd(JAVA_INT, ADDRESS));
    public static final Fn MAP_SET_MAX_ENTRIES = Native.libbpf("bpf_map__set_max_entries", fd(JAVA_INT, ADDRESS, JAVA_INT));

    // --- BTF (btf.h)
    public static final Fn BTF_FIND_BY_NAME_KIND = Native.libbpfPure("btf__find_by_name_kind", fd(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    public static final Fn BTF_TYPE_BY_ID = Native.libbpfPure("btf__type_by_id", fd(ADDRESS, ADDRESS, JAVA_INT));
    public static final Fn BTF_NAME_BY_OFFSET = Native.libbpfPure("btf__name_by_offset", fd(ADDRESS, ADDRESS, JAVA_INT));
    public static final Fn BTF_LOAD_FROM_KERNEL_BY_ID = Native.libbpf("btf__load_from_kernel_by_id", fd(ADDRESS, JAVA_INT));
    public static final Fn BTF_FREE = Native.libbpfPure("btf__free", fdVoid(ADDRESS));
    public static final Fn BTF_RESOLVE_SIZE = Native.libbpfPure("btf__resolve_size", fd(JAVA_LONG, ADDRESS, JAVA_INT));

    // --- low-level syscall wrappers (bpf.h)
    public static final FdCall.P2 MAP_LOOKUP_ELEM = new FdCall.P2(Native.libbpf("bpf_map_lookup_elem", fd(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)));
    public static final FdCall.P2Long MAP_UPDATE_ELEM = new FdCall.P2Long(Native.libbpf("bpf_map_update_elem", fd(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG)));
    public static final FdCall.P1 MAP_DELETE_ELEM = new FdCall.P1(Native.libbpf("bpf_map_delete_elem", fd(JAVA_INT, JAVA_INT, ADDRESS)));
    public static final FdCall.P2 MAP_GET_NEXT_KEY = new FdCall.P2(Native.libbpf("bpf_map_get_next_key", fd(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)));
    public static final FdCall.P4 MAP_UPDATE_BATCH = new FdCall.P4(Native.libbpf("bpf_map_update_batch", fd(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS)));
    public static final FdCall.P3 MAP_DELETE_BATCH = new FdCall.P3(Native.libbpf("bpf_map_delete_batch", fd(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS)));
    public static final FdCall.P6 MAP_LOOKUP_BATCH = new FdCall.P6(Native.libbpf("bpf_map_lookup_batch", fd(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS)));
    public static final FdCall.P6 MAP_LOOKUP_AND_DELETE_BATCH = new FdCall.P6(Native.libbpf("bpf_map_lookup_and_delete_batch", fd(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS)));
    public static final Fn MAP_CREATE = Native.libbpf("bpf_map_create", fd(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    public static final FdCall.P1 OBJ_PIN = new FdCall.P1(Native.libbpf("bpf_obj_pin", fd(JAVA_INT, JAVA_INT, ADDRESS)));
    public static final Fn OBJ_GET = Native.libbpf("bpf_obj_get", fd(JAVA_INT, ADDRESS));
    public static final FdCall.P2 OBJ_GET_INFO_BY_FD = new FdCall.P2(Native.libbpf("bpf_obj_get_info_by_fd", fd(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)));
    public static final FdCall.P1 PROG_TEST_RUN_OPTS = new FdCall.P1(Native.libbpf("bpf_prog_test_run_opts", fd(JAVA_INT, JAVA_INT, ADDRESS)));
    public static final FdCall.P0 PROG_GET_FD_BY_ID = new FdCall.P0(Native.libbpf("bpf_prog_get_fd_by_id", fd(JAVA_INT, JAVA_INT)));
    public static final FdCall.P0 MAP_GET_FD_BY_ID = new FdCall.P0(Native.libbpf("bpf_map_get_fd_by_id", fd(JAVA_INT, JAVA_INT)));
    public static final Fn LINK_CREATE = Native.libbpf("bpf_link_create", fd(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    public static final Fn LINK_UPDATE = Native.libbpf("bpf_link_update", fd(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    public static final FdCall.P0 LINK_DETACH = new FdCall.P0(Native.libbpf("bpf_link_detach", fd(JAVA_INT, JAVA_INT)));
    public static final Fn XDP_QUERY = Native.libbpf("bpf_xdp_query", fd(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    public static final Fn NUM_POSSIBLE_CPUS = Native.libbpf("libbpf_num_possible_cpus", fd(JAVA_INT));

    // --- ring buffers
    public static final Fn RING_BUFFER_NEW = Native.libbpf("ring_buffer__new", fd(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    public static final Fn RING_BUFFER_POLL = Native.libbpf("ring_buffer__poll", fd(JAVA_INT, ADDRESS, JAVA_INT));
    public static final Fn RING_BUFFER_FREE = Native.libbpfPure("ring_buffer__free", fdVoid(ADDRESS));

    // --- libc
    public static final FdCall.P0 CLOSE = new FdCall.P0(Native.libc("close", fd(JAVA_INT, JAVA_INT)));
    /** {@code int open(const char *path, int flags, ...)}: the mode (read with O_CREAT) is variadic; pass 0 without. */
    public static final Fn OPEN = Native.libcVariadic("open", fd(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    public static final Fn SETNS = Native.libc("setns", fd(JAVA_INT, JAVA_INT, JAVA_INT));
    public static final Fn IF_NAMETOINDEX = Native.libc("if_nametoindex", fd(JAVA_INT, ADDRESS));
    public static final Fn MOUNT = Native.libc("mount", fd(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    public static final Fn GETEUID = Native.libcPure("geteuid", fd(JAVA_INT));
    public static final Fn MMAP = Native.libcPure("mmap", fd(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    public static final Fn MUNMAP = Native.libcPure("munmap", fd(JAVA_INT, ADDRESS, JAVA_LONG));
    public static final Fn STRLEN = Native.libcPure("strlen", fd(JAVA_LONG, ADDRESS));
    public static final Fn STATFS = Native.libc("statfs", fd(JAVA_INT, ADDRESS, ADDRESS));
    public static final Fn SOCKET = Native.libc("socket", fd(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    /** {@code int ioctl(int fd, unsigned long request, ...)}, here with one pointer argument. */
    public static final Fn IOCTL = Native.libcVariadic("ioctl", fd(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
    public static final Fn IF_INDEXTONAME = Native.libc("if_indextoname", fd(ADDRESS, JAVA_INT, ADDRESS));
    public static final Fn POLL = Native.libc("poll", fd(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    public static final Fn RECV = Native.libc("recv", fd(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    /** Closes a file descriptor, ignoring errors (used on cleanup paths). */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            CLOSE.call(fd);
        }
    }
}

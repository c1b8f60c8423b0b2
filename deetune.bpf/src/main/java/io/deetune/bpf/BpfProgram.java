package io.deetune.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.deetune.bpf.internal.Descriptor;
import io.deetune.bpf.internal.Fds;
import io.deetune.bpf.internal.Libbpf;
import io.deetune.bpf.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * A loaded BPF program, reached through its file descriptor: from a {@link BpfObject} (the object owns the
 * descriptor), opened from a pin, or by id (then this object owns it).
 */
public final class BpfProgram implements AutoCloseable {

    /** {@code BPF_PROG_TYPE_XDP}. */
    public static final int TYPE_XDP = 6;
    /** {@code BPF_PROG_TYPE_SCHED_CLS} (TC). */
    public static final int TYPE_SCHED_CLS = 3;
    /**
     * Test-run flag {@code BPF_F_TEST_SKB_CHECKSUM_COMPLETE} (TC programs): the skb starts CHECKSUM_COMPLETE with
     * the sum of the packet from its network header, and the run fails (EBADMSG) if after the program that sum
     * no longer matches the packet: a rewrite that forgot a whole-packet checksum shows.
     */
    public static final int TEST_RUN_SKB_CHECKSUM_COMPLETE = 1 << 2;

    private static final int PROG_INFO_SIZE = 232;
    private static final int BPF_XDP = 37;
    /** Room a test run leaves for a program that grows the packet. */
    private static final int TEST_RUN_HEADROOM = 4096;

    private final Descriptor descriptor;
    private final String name;
    private final int type;
    private final int id;
    private final byte[] tag;

    BpfProgram(int fd, boolean owned) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = Fds.info(arena, fd, PROG_INFO_SIZE, "program");
            this.type = info.get(JAVA_INT, 0);
            this.id = info.get(JAVA_INT, 4);
            this.name = info.asSlice(64, 16).getString(0);
            this.tag = info.asSlice(8, 8).toArray(ValueLayout.JAVA_BYTE);
        }
        this.descriptor = new Descriptor(fd, owned, "program '" + name + "'");
    }

    /** Opens a program pinned at {@code path}. */
    public static BpfProgram openPinned(Path path) {
        return new BpfProgram(Fds.openPinned(path, "program"), true);
    }

    /** Opens a loaded program by its kernel id. */
    public static BpfProgram fromId(int id) {
        int fd = Libbpf.PROG_GET_FD_BY_ID.call(id).checkInt("open program id " + id);
        return new BpfProgram(fd, true);
    }

    /** The program's descriptor; fails once the program (or the object it came from) is closed. */
    public int fd() {
        return descriptor.fd();
    }

    /** The kernel's program id (what bpftool shows). */
    public int id() {
        return id;
    }

    /** The kernel's name of the program (the C function name, cut to 15 characters). */
    public String name() {
        return name;
    }

    /** The kernel's hash of the program's instructions: equal tags, same code (what bpftool shows as "tag"). */
    public byte[] tag() {
        return tag.clone();
    }

    /** The kernel's program type ({@code enum bpf_prog_type}). */
    public int type() {
        return type;
    }

    /** Runs the program once over {@code packet} (BPF_PROG_TEST_RUN). */
    public TestRunResult testRun(byte[] packet) {
        return testRun(packet, 1);
    }

    /**
     * Runs the program {@code repeat} times over {@code packet} in the kernel; the result holds the verdict, the
     * output packet and the average run time per repetition in ns.
     */
    public TestRunResult testRun(byte[] packet, int repeat) {
        return testRun(packet, null, repeat);
    }

    /**
     * Runs the program {@code repeat} times over {@code packet} with {@code context} as the program's context
     * ({@code struct __sk_buff} for TC programs: the kernel takes mark, priority, cb, gso_segs, gso_size and a few
     * more from it and wants the rest zero), or the kernel's default context when {@code context} is null.
     */
    public TestRunResult testRun(byte[] packet, byte[] context, int repeat) {
        return testRun(packet, context, repeat, 0);
    }

    /** {@link #testRun(byte[], byte[], int)} with test-run {@code flags}, e.g. {@link #TEST_RUN_SKB_CHECKSUM_COMPLETE}. */
    public TestRunResult testRun(byte[] packet, byte[] context, int repeat, int flags) {
        if (packet.length < 14) {
            throw new IllegalArgumentException("test packet has " + packet.length + " bytes; at least an Ethernet header (14) is needed");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocateFrom(ValueLayout.JAVA_BYTE, packet);
            int outCapacity = packet.length + TEST_RUN_HEADROOM;
            MemorySegment out = arena.allocate(outCapacity);
            MemorySegment opts = arena.allocate(80, 8); // struct bpf_test_run_opts
            opts.set(JAVA_LONG, 0, 80);
            opts.set(ValueLayout.ADDRESS, 8, in);
            opts.set(ValueLayout.ADDRESS, 16, out);
            opts.set(JAVA_INT, 24, packet.length);
            opts.set(JAVA_INT, 28, outCapacity);
            opts.set(JAVA_INT, 60, Math.max(1, repeat));
            opts.set(JAVA_INT, 68, flags);
            if (context != null) {
                opts.set(ValueLayout.ADDRESS, 32, arena.allocateFrom(ValueLayout.JAVA_BYTE, context));
                opts.set(JAVA_INT, 48, context.length);
            }
            Libbpf.PROG_TEST_RUN_OPTS.call(fd(), opts).checkInt("test run of program '" + name + "'");
            int outLength = opts.get(JAVA_INT, 28);
            int retval = opts.get(JAVA_INT, 56);
            long duration = Integer.toUnsignedLong(opts.get(JAVA_INT, 64));
            return new TestRunResult(retval, out.asSlice(0, outLength).toArray(ValueLayout.JAVA_BYTE), duration);
        }
    }

    /** Attaches this XDP program to interface {@code ifindex} of the calling thread's network namespace. */
    public BpfLink attachXdp(int ifindex, XdpMode mode) {
        return BpfLink.create(this, ifindex, BPF_XDP, mode.flags(), "attach XDP program '" + name + "' to ifindex " + ifindex + " (" + mode + ")");
    }

    /** Attaches this TC program with tcx (a bpf_link; kernel 6.6+) to interface {@code ifindex}. */
    public BpfLink attachTcx(int ifindex, TcDirection direction) {
        return BpfLink.create(this, ifindex, direction.attachType(), 0, "attach TC program '" + name + "' to ifindex " + ifindex + " (" + direction + ")");
    }

    /** Pins the program at {@code path} in bpffs. */
    public void pin(Path path) {
        Fds.pin(fd(), path, "program '" + name + "'");
    }

    @Override
    public void close() {
        descriptor.close();
    }

    /** Its {@link BpfObject} closes the descriptor. */
    void forget(String reason) {
        descriptor.forget(reason);
    }

    @Override
    public String toString() {
        return "BpfProgram[" + name + ", id=" + id + ", type=" + type + "]";
    }
}

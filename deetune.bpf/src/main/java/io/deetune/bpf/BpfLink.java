package io.deetune.bpf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.deetune.bpf.internal.Descriptor;
import io.deetune.bpf.internal.Fds;
import io.deetune.bpf.internal.Libbpf;
import io.deetune.bpf.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A bpf_link: the attachment of a program to a hook. The attachment lasts while a descriptor or a pin of the link
 * exists; pin it so that it outlives the JVM. {@link #detach()} ends the attachment whatever holds the link.
 */
public final class BpfLink implements AutoCloseable {

    private static final int LINK_INFO_SIZE = 48;

    private final Descriptor descriptor;

    private BpfLink(int fd) {
        this.descriptor = new Descriptor(fd, true, "link");
    }

    static BpfLink create(BpfProgram program, int target, int attachType, int flags, String context) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(64, 8); // struct bpf_link_create_opts
            opts.set(JAVA_LONG, 0, 64);
            opts.set(JAVA_INT, 8, flags);
            int fd = Native.call(Libbpf.LINK_CREATE, program.fd(), target, attachType, opts).checkInt(context);
            return new BpfLink(fd);
        }
    }

    /** Opens a link pinned at {@code path}. */
    public static BpfLink openPinned(Path path) {
        return new BpfLink(Fds.openPinned(path, "link"));
    }

    /** What XDP program, if any, is attached to {@code ifindex} of the calling thread's network namespace. */
    public static XdpAttachment queryXdp(int ifindex) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(32, 8); // struct bpf_xdp_query_opts
            opts.set(JAVA_LONG, 0, 32);
            Native.call(Libbpf.XDP_QUERY, ifindex, 0, opts).checkInt("query XDP of ifindex " + ifindex);
            return new XdpAttachment(opts.get(JAVA_INT, 8), opts.get(JAVA_INT, 12), opts.get(JAVA_INT, 20),
                    opts.get(JAVA_BYTE, 24));
        }
    }

    /** The XDP programs attached to an interface: any, in the driver, generic; and the attach mode. */
    public record XdpAttachment(int programId, int driverProgramId, int genericProgramId, int mode) {
        public boolean attached() {
            return programId != 0 || driverProgramId != 0 || genericProgramId != 0;
        }
    }

    /** The link's kernel description. */
    public record Info(int id, int type, int programId, int ifindex) {}

    /** The link's descriptor; fails once the link is closed. */
    public int fd() {
        return descriptor.fd();
    }

    public Info info() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = Fds.info(arena, fd(), LINK_INFO_SIZE, "link");
            return new Info(info.get(JAVA_INT, 4), info.get(JAVA_INT, 0), info.get(JAVA_INT, 8), info.get(JAVA_INT, 16));
        }
    }

    /** {@code BPF_TCX_INGRESS} and {@code BPF_TCX_EGRESS}, the attach types of tcx links ({@link #tcxAttachType()}). */
    public static final int ATTACH_TCX_INGRESS = 46;
    public static final int ATTACH_TCX_EGRESS = 47;

    /** The attach type of a tcx link ({@link #ATTACH_TCX_INGRESS} or {@link #ATTACH_TCX_EGRESS}); meaningless for others. */
    public int tcxAttachType() {
        try (Arena arena = Arena.ofConfined()) {
            return Fds.info(arena, fd(), LINK_INFO_SIZE, "link").get(JAVA_INT, 20); // union tcx { ifindex; attach_type }
        }
    }

    /** Atomically replaces the attached program (every packet sees the old or the new one). */
    public void update(BpfProgram program) {
        Native.call(Libbpf.LINK_UPDATE, fd(), program.fd(), MemorySegment.NULL)
                .checkInt("replace the program of link " + info().id() + " by '" + program.name() + "'");
    }

    /** Ends the attachment now, even if the link stays pinned or open elsewhere. */
    public void detach() {
        Libbpf.LINK_DETACH.call(fd()).checkInt("detach link fd " + fd());
    }

    /** Pins the link at {@code path} so that the attachment outlives this process. */
    public void pin(Path path) {
        Fds.pin(fd(), path, "link");
    }

    /** Closes this descriptor; a pinned link stays attached. */
    @Override
    public void close() {
        descriptor.close();
    }
}

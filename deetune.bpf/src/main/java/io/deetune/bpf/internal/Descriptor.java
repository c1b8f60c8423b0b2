package io.deetune.bpf.internal;

/**
 * A BPF object's file descriptor and who closes it: a map, program or link handle owns its descriptor unless it
 * borrows it from a {@code bpf_object} (which closes its own). Closing twice, or closing a borrowed one, does nothing.
 */
public final class Descriptor {

    private final int fd;
    private final boolean owned;
    private volatile boolean closed;

    public Descriptor(int fd, boolean owned) {
        this.fd = fd;
        this.owned = owned;
    }

    public int fd() {
        return fd;
    }

    public void close() {
        if (owned && !closed) {
            closed = true;
            Libbpf.closeQuietly(fd);
        }
    }
}

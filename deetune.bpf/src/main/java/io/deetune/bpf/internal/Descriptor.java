package io.deetune.bpf.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A BPF object's file descriptor and who closes it: a map, program or link handle owns its descriptor unless it
 * borrows it from a {@code bpf_object} (which closes its own, see {@link #forget}).
 *
 * <p>The number is taken out atomically before it is closed, so a descriptor is closed once even when two threads
 * close it at the same time: a second close(2) would hit whatever the process has opened under that number since.
 * Once closed or forgotten, {@link #fd()} fails clearly instead of handing out a number that may name something else.
 */
public final class Descriptor {

    private static final int CLOSED = -1;

    private final AtomicInteger fd;
    private final boolean owned;
    private final String what;
    private volatile String gone = "is closed";

    /** {@code what} names the handle in errors, e.g. "map 'flows'". */
    public Descriptor(int fd, boolean owned, String what) {
        this.fd = new AtomicInteger(fd);
        this.owned = owned;
        this.what = what;
    }

    /** The descriptor's number; fails once the handle is closed or its owner closed it. */
    public int fd() {
        int value = fd.get();
        if (value < 0) {
            throw new IllegalStateException(what + " " + gone);
        }
        return value;
    }

    public boolean closed() {
        return fd.get() < 0;
    }

    /** Closes the descriptor if this handle owns it (later calls do nothing); a borrowed one stays usable. */
    public void close() {
        if (!owned) {
            return;
        }
        int value = fd.getAndSet(CLOSED);
        if (value >= 0) {
            Libbpf.closeQuietly(value);
        }
    }

    /**
     * The owner (a {@code bpf_object}) is about to close a borrowed descriptor itself: drop the number, so that later
     * use fails with {@code what + " " + reason} instead of reaching a reused descriptor.
     */
    public void forget(String reason) {
        gone = reason;
        fd.set(CLOSED);
    }
}

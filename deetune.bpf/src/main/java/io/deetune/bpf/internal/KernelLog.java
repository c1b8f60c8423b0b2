package io.deetune.bpf.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The buffer the kernel writes a BPF object's verifier (and BTF) log into, handed to libbpf at open
 * ({@code kernel_log_buf}), so that a rejection can show the log's end, where the verifier gives its reason.
 *
 * <p>libbpf asks for a log only after a load failed. The kernel (6.4+) keeps the last bytes of a log longer than
 * the buffer; it then reports ENOSPC instead of the verifier's errno, so the buffer is as large as libbpf's own
 * default (16 MiB, {@code BPF_LOG_BUF_SIZE}). It is an anonymous mapping (zero pages until written, given back to the
 * system on close): an object that loads costs no memory for it, a rejection only what the log fills. Only the
 * tail is read back.
 */
public final class KernelLog implements AutoCloseable {

    /** libbpf's {@code BPF_LOG_BUF_SIZE} ({@code UINT32_MAX >> 8}). */
    public static final long SIZE = 0xffffffffL >>> 8;
    /** How much of the log's end is decoded: far more than the lines kept. */
    private static final long TAIL_BYTES = 256 * 1024;

    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;

    private MemorySegment buffer;

    public KernelLog() {
        MemorySegment p = Native.call(Libbpf.MMAP, MemorySegment.NULL, SIZE, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L).asPointer();
        if (p.address() == -1L) {
            throw new OutOfMemoryError("cannot map a " + SIZE + "-byte verifier log buffer");
        }
        buffer = p.reinterpret(SIZE);
    }

    public MemorySegment address() {
        return buffer;
    }

    public long size() {
        return SIZE;
    }

    /**
     * The last {@code maxLines} lines the kernel wrote (empty if it wrote none), after a line that gives the log's
     * size when lines were left out.
     */
    public List<String> tail(int maxLines) {
        if (buffer == null) {
            return List.of();
        }
        long length = Native.call(Libbpf.STRLEN, buffer).asLong();
        if (length == 0) {
            return List.of();
        }
        long from = Math.max(0, length - TAIL_BYTES);
        String text = new String(buffer.asSlice(from, length - from).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
        if (from > 0) {
            text = text.substring(text.indexOf('\n') + 1); // the first line is cut
        }
        List<String> lines = text.lines().toList();
        if (from == 0 && lines.size() <= maxLines) {
            return lines;
        }
        List<String> kept = new ArrayList<>();
        boolean cut = length >= SIZE - 1;
        kept.add("[verifier log of " + length + " bytes" + (cut ? " or more (the kernel kept its end and reports ENOSPC"
                + " for the cut log, whatever the verifier's own verdict)" : "") + ", its last "
                + Math.min(maxLines, lines.size()) + " lines:]");
        kept.addAll(lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        return kept;
    }

    /** Frees the buffer (libbpf only writes to it during load). */
    @Override
    public void close() {
        if (buffer != null) {
            Native.call(Libbpf.MUNMAP, buffer, SIZE);
            buffer = null;
        }
    }
}

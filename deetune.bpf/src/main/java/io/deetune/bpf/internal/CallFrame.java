package io.deetune.bpf.internal;

import io.deetune.bpf.internal.Native.Fn;
import io.deetune.bpf.internal.Native.Outcome;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * What one native call leaves besides its result: the errno captured as the function returned, and the libbpf log
 * lines printed meanwhile. Each thread (a virtual thread too) has its own frame, reused from call to call, so a call
 * allocates nothing; a call made while another one is under way on the same thread (from an upcall: a ring buffer
 * callback, a libnl handler) takes the next frame of the chain, so neither reads the other's errno or lines.
 */
final class CallFrame {

    /** Lines kept per call: the first ones say what was done, the last ones why it failed. */
    private static final int HEAD_LINES = 5;
    private static final int TAIL_LINES = 100;

    static final StructLayout STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<CallFrame> OUTERMOST = ThreadLocal.withInitial(CallFrame::new);

    static {
        LibbpfLog.install(); // before the first call, so that its lines reach its frame
    }

    /** Where the downcall writes errno: the first argument of a handle linked with {@code captureCallState}. */
    final MemorySegment errnoState = Arena.ofAuto().allocate(STATE_LAYOUT);
    private boolean active;
    private LogTail lines;
    private CallFrame inner;

    private CallFrame() {}

    /** The frame of a call about to start on this thread. */
    static CallFrame enter() {
        CallFrame frame = OUTERMOST.get();
        while (frame.active) {
            if (frame.inner == null) {
                frame.inner = new CallFrame();
            }
            frame = frame.inner;
        }
        frame.active = true;
        return frame;
    }

    /** The frame of the innermost call under way on this thread (where libbpf prints), or null. */
    static CallFrame current() {
        CallFrame frame = OUTERMOST.get();
        if (!frame.active) {
            return null;
        }
        while (frame.inner != null && frame.inner.active) {
            frame = frame.inner;
        }
        return frame;
    }

    void addLines(String text) {
        if (lines == null) { // most calls print nothing
            lines = new LogTail(HEAD_LINES, TAIL_LINES);
        }
        lines.addAll(text);
    }

    /** One invocation of an exact downcall handle, given where errno goes. */
    @FunctionalInterface
    interface Invocation {
        int invoke(MemorySegment errnoState) throws Throwable;
    }

    /** Runs {@code invocation} of {@code fn} in a frame of its own: its result, errno and log lines. */
    static Outcome run(Fn fn, Invocation invocation) {
        CallFrame frame = enter();
        int rc;
        try {
            rc = invocation.invoke(frame.errnoState);
        } catch (Throwable t) {
            throw frame.failed(fn, t);
        }
        return frame.exit(fn, rc);
    }

    /** Ends the call that returned {@code value}: its errno (if {@code fn} captures it) and its lines. */
    Outcome exit(Fn fn, Object value) {
        int errno = fn.capturesErrno() ? (int) ERRNO.get(errnoState, 0L) : 0;
        List<String> log = lines == null ? List.of() : lines.lines();
        release();
        return new Outcome(fn, value, errno, log);
    }

    /** Ends a call whose invocation itself threw {@code t}; returns what to throw. */
    RuntimeException failed(Fn fn, Throwable t) {
        release();
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call " + fn.name() + " failed", t);
    }

    private void release() {
        lines = null;
        active = false;
    }
}

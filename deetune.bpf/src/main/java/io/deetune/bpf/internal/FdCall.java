package io.deetune.bpf.internal;

import io.deetune.bpf.internal.Native.Fn;
import io.deetune.bpf.internal.Native.Outcome;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * The downcalls of the hot paths (map lookups, updates, deletes and batches, test runs): functions of the shape
 * {@code int f(int fd, void *...)} that report failure through errno, called with {@code invokeExact} on their exact
 * type. {@link Native#call} boxes every argument and adapts the handle on each call; these cost a plain call. They
 * capture errno and the libbpf log lines the same way and give the same {@link Outcome}. One record per shape, named
 * by its pointer arguments; each checks when it is built that its function was linked with that shape.
 */
public final class FdCall {

    private FdCall() {}

    /** {@code int f(int)} (a descriptor or a kernel id). */
    public record P0(Fn fn) {
        public P0 {
            requireShape(fn);
        }

        public Outcome call(int fdOrId) {
            return CallFrame.run(fn, state -> (int) fn.handle().invokeExact(state, fdOrId));
        }
    }

    /** {@code int f(int, void *)}. */
    public record P1(Fn fn) {
        public P1 {
            requireShape(fn, MemorySegment.class);
        }

        public Outcome call(int fd, MemorySegment a) {
            return CallFrame.run(fn, state -> (int) fn.handle().invokeExact(state, fd, a));
        }
    }

    /** {@code int f(int, void *, void *)}. */
    public record P2(Fn fn) {
        public P2 {
            requireShape(fn, MemorySegment.class, MemorySegment.class);
        }

        public Outcome call(int fd, MemorySegment a, MemorySegment b) {
            return CallFrame.run(fn, state -> (int) fn.handle().invokeExact(state, fd, a, b));
        }
    }

    /** {@code int f(int, void *, void *, __u64)} (an update with its flags). */
    public record P2Long(Fn fn) {
        public P2Long {
            requireShape(fn, MemorySegment.class, MemorySegment.class, long.class);
        }

        public Outcome call(int fd, MemorySegment a, MemorySegment b, long c) {
            return CallFrame.run(fn, state -> (int) fn.handle().invokeExact(state, fd, a, b, c));
        }
    }

    /** {@code int f(int, void *, void *, void *)}. */
    public record P3(Fn fn) {
        public P3 {
            requireShape(fn, MemorySegment.class, MemorySegment.class, MemorySegment.class);
        }

        public Outcome call(int fd, MemorySegment a, MemorySegment b, MemorySegment c) {
            return CallFrame.run(fn, state -> (int) fn.handle().invokeExact(state, fd, a, b, c));
        }
    }

    /** {@code int f(int, void *, void *, void *, void *)}. */
    public record P4(Fn fn) {
        public P4 {
            requireShape(fn, MemorySegment.class, MemorySegment.class, MemorySegment.class, MemorySegment.class);
        }

        public Outcome call(int fd, MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d) {
            return CallFrame.run(fn, state -> (int) fn.handle().invokeExact(state, fd, a, b, c, d));
        }
    }

    /** {@code int f(int, void *, void *, void *, void *, void *, void *)} (the batch lookups). */
    public record P6(Fn fn) {
        public P6 {
            requireShape(fn, MemorySegment.class, MemorySegment.class, MemorySegment.class, MemorySegment.class,
                    MemorySegment.class, MemorySegment.class);
        }

        public Outcome call(int fd, MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d,
                MemorySegment e, MemorySegment f) {
            return CallFrame.run(fn, state -> (int) fn.handle().invokeExact(state, fd, a, b, c, d, e, f));
        }
    }

    /**
     * Fails unless {@code fn} captures errno and its handle takes the capture segment, an int and then
     * {@code rest}, returning an int: otherwise every call would fail with a WrongMethodTypeException.
     */
    private static void requireShape(Fn fn, Class<?>... rest) {
        Class<?>[] parameters = new Class<?>[rest.length + 2];
        parameters[0] = MemorySegment.class;
        parameters[1] = int.class;
        System.arraycopy(rest, 0, parameters, 2, rest.length);
        MethodType expected = MethodType.methodType(int.class, parameters);
        if (!fn.capturesErrno() || !fn.handle().type().equals(expected)) {
            throw new IllegalArgumentException("native function " + fn.name() + " is linked as " + fn.handle().type()
                    + (fn.capturesErrno() ? "" : " without errno") + ", not as int(int" + Arrays.stream(rest)
                    .map(c -> ", " + c.getSimpleName()).reduce("", String::concat) + ") with errno");
        }
    }
}

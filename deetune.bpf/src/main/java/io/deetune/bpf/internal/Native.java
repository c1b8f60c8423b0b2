package io.deetune.bpf.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.deetune.bpf.BpfException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * The one place that links native functions: libbpf ({@code libbpf.so.1}), a few libc calls, and libnl for the
 * netlink queries.
 *
 * <p>Every fallible function is linked with {@code captureCallState("errno")}, so a failure reports the errno of
 * that very call, not one overwritten by the JVM in between. {@link #call}, and {@link FdCall} on the hot paths,
 * wrap an invocation: they collect the libbpf log lines printed during the call (see {@link CallFrame}) and give an
 * {@link Outcome}, which turns a failure into a {@link BpfException} that names the function, the errno and those
 * lines.
 */
public final class Native {

    public static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final SymbolLookup LIBBPF = loadLibbpf();

    private static final MethodHandle STRERROR =
            LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Native() {}

    private static SymbolLookup loadLibbpf() {
        try {
            return SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "libbpf.so.1 not found: install libbpf 1.x (Debian: apt-get install libbpf1)", e);
        }
    }

    /** A linked native function together with its name, for error messages. */
    public record Fn(String name, MethodHandle handle, boolean capturesErrno) {}

    /** Links a libbpf function whose failure is reported through errno / a negative return value. */
    public static Fn libbpf(String name, FunctionDescriptor descriptor) {
        return link(LIBBPF, name, descriptor, true);
    }

    /** Links a libbpf function that cannot fail (getters). */
    public static Fn libbpfPure(String name, FunctionDescriptor descriptor) {
        return link(LIBBPF, name, descriptor, false);
    }

    /** Links a libc function that reports failure through errno. */
    public static Fn libc(String name, FunctionDescriptor descriptor) {
        return link(LIBC, name, descriptor, true);
    }

    /** Links a libc function that cannot fail, or whose failure its result shows (mmap, strlen). */
    public static Fn libcPure(String name, FunctionDescriptor descriptor) {
        return link(LIBC, name, descriptor, false);
    }

    /**
     * Links a variadic libc function (such as open(2)) that reports failure through errno; {@code descriptor}
     * lists the arguments of the calls made, those from {@code firstVariadic} on being the variadic ones. The C
     * calling convention may pass variadic arguments differently from fixed ones (e.g. x86-64 counts vector
     * registers in AL), so they must be linked as such.
     */
    public static Fn libcVariadic(String name, FunctionDescriptor descriptor, int firstVariadic) {
        return link(LIBC, name, descriptor, true, Linker.Option.firstVariadicArg(firstVariadic));
    }

    /**
     * Opens a shared library other than libbpf and libc (by its soname, e.g. {@code libnl-genl-3.so.200}) for
     * {@link #linkPure}; fails with {@code installHint} (what to install) when the library is missing.
     */
    public static SymbolLookup library(String soname, String installHint) {
        try {
            return SymbolLookup.libraryLookup(soname, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(soname + " not found: " + installHint, e);
        }
    }

    /** Links a function of {@code lookup} that reports failure through its result (libnl's negative codes). */
    public static Fn linkPure(SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
        return link(lookup, name, descriptor, false);
    }

    private static Fn link(SymbolLookup lookup, String name, FunctionDescriptor descriptor, boolean errno,
            Linker.Option... options) {
        MemorySegment symbol = lookup.find(name)
                .orElseThrow(() -> new IllegalStateException("native function " + name + " not found"));
        List<Linker.Option> all = new java.util.ArrayList<>(List.of(options));
        if (errno) {
            all.add(Linker.Option.captureCallState("errno"));
        }
        MethodHandle handle = LINKER.downcallHandle(symbol, descriptor, all.toArray(Linker.Option[]::new));
        return new Fn(name, handle, errno);
    }

    /** The outcome of one native call: its return value and the errno captured right after it. */
    public record Outcome(Fn fn, Object value, int errno, List<String> log) {

        public int asInt() {
            return value instanceof Long l ? (int) (long) l : (Integer) value;
        }

        public long asLong() {
            return value instanceof Integer i ? i : (Long) value;
        }

        public MemorySegment asPointer() {
            return (MemorySegment) value;
        }

        /** Fails unless the int result is >= 0 (libbpf returns -errno, libc -1 with errno). */
        public int checkInt(String context) {
            int rc = asInt();
            if (rc < 0) {
                throw error(context, rc);
            }
            return rc;
        }

        /** Fails unless the pointer result is non-NULL. */
        public MemorySegment checkPointer(String context) {
            MemorySegment p = asPointer();
            if (p.equals(MemorySegment.NULL)) {
                throw error(context, -1);
            }
            return p;
        }

        public BpfException error(String context, long rc) {
            return error(context, rc, List.of());
        }

        /** The failure, with more log lines (e.g. the kernel's verifier log) after libbpf's own. */
        public BpfException error(String context, long rc, List<String> moreLog) {
            int code = errno != 0 ? errno : (rc < -1 ? (int) -rc : 0);
            List<String> all = new java.util.ArrayList<>(log);
            all.addAll(moreLog);
            return new BpfException(fn.name(), code, strerror(code), context, all);
        }
    }

    /**
     * Invokes {@code fn} with {@code args}, capturing errno and the libbpf log lines it prints. Generic: each argument
     * is boxed and the handle adapted on every call, which is fine off the hot paths; {@link FdCall} calls the hot
     * ones with their exact types.
     */
    public static Outcome call(Fn fn, Object... args) {
        CallFrame frame = CallFrame.enter();
        Object value;
        try {
            if (fn.capturesErrno()) {
                Object[] full = new Object[args.length + 1];
                full[0] = frame.errnoState;
                System.arraycopy(args, 0, full, 1, args.length);
                value = fn.handle().invokeWithArguments(full);
            } else {
                value = fn.handle().invokeWithArguments(args);
            }
        } catch (Throwable t) {
            throw frame.failed(fn, t);
        }
        return frame.exit(fn, value);
    }

    /** libc's text for an errno value. */
    public static String strerror(int errno) {
        if (errno == 0) {
            return "unknown error";
        }
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** Allocates a NUL-terminated C string in {@code arena}, or NULL for a null string. */
    public static MemorySegment cString(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }

    /** Reads a NUL-terminated C string at {@code p} (NULL gives null). */
    public static String string(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? null : p.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    static MemorySegment libbpfSymbol(String name) {
        return LIBBPF.find(name).orElseThrow(() -> new IllegalStateException("libbpf has no " + name));
    }

    static SymbolLookup libc() {
        return LIBC;
    }
}

package io.deetune.bpf.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes libbpf's own log ({@code libbpf_set_print}) to SLF4J and hands the lines printed during a native call to
 * that call's {@link CallFrame}, so that an exception can carry them.
 *
 * <p>libbpf hands over a printf format and a {@code va_list}; libc's {@code vsnprintf} formats it. The upcall
 * catches everything: an exception escaping an upcall would kill the JVM.
 */
public final class LibbpfLog {

    private static final Logger LOG = LoggerFactory.getLogger("io.deetune.bpf.libbpf");
    private static final int LEVEL_WARN = 0;
    private static final int LEVEL_INFO = 1;
    /**
     * One message of libbpf's own; longer ones are cut. (The verifier log does not come this way: the kernel writes
     * it into the object's {@link KernelLog}.)
     */
    private static final int FORMAT_BUFFER = 64 * 1024;
    private static final ThreadLocal<MemorySegment> BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(FORMAT_BUFFER));

    private static final MethodHandle VSNPRINTF = Native.LINKER.downcallHandle(
            Native.libc().find("vsnprintf").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));

    private LibbpfLog() {}

    /** Makes libbpf print through {@link #print}; once, before the first native call (see {@link CallFrame}). */
    static void install() {
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(LibbpfLog.class, "print",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = Native.LINKER.upcallStub(target,
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            MethodHandle setPrint = Native.LINKER.downcallHandle(
                    Native.libbpfSymbol("libbpf_set_print"), FunctionDescriptor.of(ADDRESS, ADDRESS));
            MemorySegment previous = (MemorySegment) setPrint.invokeExact(stub);
            assert previous != null;
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }

    @SuppressWarnings("unused") // called from native code
    private static int print(int level, MemorySegment format, MemorySegment args) {
        try {
            MemorySegment buffer = BUFFER.get();
            int n = (int) VSNPRINTF.invokeExact(buffer, (long) FORMAT_BUFFER, format, args);
            if (n < 0) {
                return 0;
            }
            String text = buffer.getString(0).stripTrailing();
            if (text.isEmpty()) {
                return 0;
            }
            CallFrame call = CallFrame.current();
            if (call != null && level <= LEVEL_INFO) {
                call.addLines(text);
            }
            switch (level) {
                case LEVEL_WARN -> LOG.warn("{}", text);
                case LEVEL_INFO -> LOG.info("{}", text);
                default -> LOG.debug("{}", text);
            }
            return n;
        } catch (Throwable t) {
            return 0;
        }
    }
}

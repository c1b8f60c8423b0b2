package io.deetune.bpf.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.FunctionDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each native call, nested ones too, gets its own errno and log lines; an exact call checks its handle's shape. */
class CallFrameTest {

    private static final int EBADF = 9;

    @Test
    void aCallInsideACallHasItsOwnFrame() {
        Native.Fn fn = Libbpf.CLOSE.fn();
        CallFrame outer = CallFrame.enter();
        outer.addLines("outer line");
        CallFrame inner = CallFrame.enter(); // as from an upcall during the outer call
        assertNotSame(outer, inner);
        assertNotSame(outer.errnoState, inner.errnoState);
        assertSame(inner, CallFrame.current());
        inner.addLines("inner line");
        assertEquals(List.of("inner line"), inner.exit(fn, 0).log());
        assertSame(outer, CallFrame.current());
        assertEquals(List.of("outer line"), outer.exit(fn, 0).log());
        assertNull(CallFrame.current());
        assertSame(outer, CallFrame.enter(), "the frame is reused by the next call");
        assertEquals(List.of(), outer.exit(fn, 0).log());
    }

    @Test
    void exactCallsReportTheirErrno() {
        Native.Outcome bad = Libbpf.CLOSE.call(-1);
        assertTrue(bad.asInt() < 0);
        assertEquals(EBADF, bad.errno());
        Native.Outcome good = Libbpf.MAP_GET_FD_BY_ID.call(Integer.MAX_VALUE);
        assertTrue(good.asInt() < 0);
        assertEquals(2 /* ENOENT */, good.errno(), "not the EBADF of the call before");
    }

    @Test
    void anExactCallRefusesAHandleOfAnotherShape() {
        Native.Fn close = Native.libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FdCall.P1(close));
        assertTrue(e.getMessage().contains("close"), e.getMessage());
        Native.Fn pure = Native.libcPure("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        assertThrows(IllegalArgumentException.class, () -> new FdCall.P0(pure));
    }
}

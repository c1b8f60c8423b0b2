package io.deetune.bpf;

/**
 * The outcome of {@code BPF_PROG_TEST_RUN}: the program's return value (for XDP and TC the verdict), the packet as
 * the program left it, and the kernel's average run time per repetition.
 */
public record TestRunResult(int retval, byte[] output, long nanosPerRun) {

    public static final int XDP_ABORTED = 0;
    public static final int XDP_DROP = 1;
    public static final int XDP_PASS = 2;
    public static final int XDP_TX = 3;
    public static final int XDP_REDIRECT = 4;

    /** tcx "next": the packet goes on to the next tcx program or tc filter on the interface (the end of a DeeTune chain). */
    public static final int TC_ACT_UNSPEC = -1;
    public static final int TC_ACT_OK = 0;
    public static final int TC_ACT_SHOT = 2;
    public static final int TC_ACT_REDIRECT = 7;
}

package io.deetune.bpf;

import java.io.Serial;
import java.util.List;

/**
 * A libbpf or kernel call failed. Names the call, the errno and its text, what was being done, and the libbpf log
 * lines printed during the call; for a program the verifier rejected, those lines hold the verifier log.
 */
public class BpfException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;
    private final List<String> log;

    public BpfException(String call, int errno, String errnoText, String context, List<String> log) {
        super(message(call, errno, errnoText, context, log));
        this.call = call;
        this.errno = errno;
        this.log = List.copyOf(log);
    }

    private static String message(String call, int errno, String errnoText, String context, List<String> log) {
        StringBuilder sb = new StringBuilder();
        if (context != null && !context.isEmpty()) {
            sb.append(context).append(": ");
        }
        sb.append(call).append(" failed: ").append(errnoText).append(" (errno ").append(errno).append(')');
        if (!log.isEmpty()) {
            sb.append("\nlibbpf log:");
            for (String line : log) {
                sb.append("\n  ").append(line);
            }
        }
        return sb.toString();
    }

    /** The native function that failed, e.g. {@code bpf_object__load}. */
    public String call() {
        return call;
    }

    /** The errno of the failure (0 where none was reported). */
    public int errno() {
        return errno;
    }

    /** The libbpf log lines printed during the failed call (the verifier log on a load failure). */
    public List<String> log() {
        return log;
    }
}

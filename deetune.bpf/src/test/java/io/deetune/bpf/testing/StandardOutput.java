package io.deetune.bpf.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** What a piece of code prints to {@link System#out}, for tests of console commands (which print there). */
public final class StandardOutput {

    private StandardOutput() {}

    /** Code that may throw, such as a command's {@code execute()}. */
    public interface Action {
        void run() throws Exception;
    }

    /** Runs {@code action} with {@link System#out} captured and returns what it printed; System.out is restored. */
    public static String of(Action action) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString();
    }
}

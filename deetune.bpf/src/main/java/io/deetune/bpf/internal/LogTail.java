package io.deetune.bpf.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The first and the last lines of a log of any length, in bounded memory. What matters in a failure log is usually
 * at its end (the verifier's reason comes last), and its first lines say what was being done.
 */
public final class LogTail {

    private final int headLines;
    private final int tailLines;
    private final List<String> head = new ArrayList<>();
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private long omitted;

    public LogTail(int headLines, int tailLines) {
        this.headLines = headLines;
        this.tailLines = tailLines;
    }

    public void add(String line) {
        if (head.size() < headLines) {
            head.add(line);
            return;
        }
        tail.addLast(line);
        if (tail.size() > tailLines) {
            tail.removeFirst();
            omitted++;
        }
    }

    public void addAll(String text) {
        text.lines().forEach(this::add);
    }

    /** The lines kept, with one line saying how many were left out between head and tail. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>(head);
        if (omitted > 0) {
            lines.add("[... " + omitted + " lines left out ...]");
        }
        lines.addAll(tail);
        return List.copyOf(lines);
    }
}

package io.deetune.loadagent;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The CPUs' busy share between two readings of {@code /proc/stat}'s aggregate {@code cpu} line, or of the lines of
 * chosen CPUs ({@code cpu0}, {@code cpu3}: for a server pinned to a cpuset, which measures its own CPUs rather than
 * the host's): busy is total minus idle minus iowait.
 */
final class CpuSampler implements LoadMeasure {

    static final Path PROC_STAT = Path.of("/proc/stat");

    private final Path procStat;
    /** The CPUs measured; empty: all of them (the aggregate line). */
    private final Set<Integer> cpus;
    private CpuTimes previous = CpuTimes.BOOT;
    private double lastShare;

    CpuSampler(Path procStat) {
        this(procStat, Set.of());
    }

    CpuSampler(Path procStat, Set<Integer> cpus) {
        this.procStat = procStat;
        this.cpus = Set.copyOf(cpus);
    }

    /** The first call answers the share since boot; a reading with no tick since the last keeps the last answer. */
    @Override
    public synchronized double busyShare() throws IOException {
        CpuTimes now = cpus.isEmpty() ? parse(firstLine()) : parse(Files.readString(procStat, StandardCharsets.US_ASCII), cpus);
        double share = now.busyShareSince(previous);
        previous = now;
        if (!Double.isNaN(share)) {
            lastShare = share;
        }
        return lastShare;
    }

    @Override
    public String describe() {
        return "cpu (" + procStat + (cpus.isEmpty() ? "" : ", CPUs " + new java.util.TreeSet<>(cpus)) + ")";
    }

    /** The aggregate line is the first one; the per-CPU lines after it are not needed. */
    private String firstLine() throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(procStat, StandardCharsets.US_ASCII)) {
            String line = reader.readLine();
            if (line == null) {
                throw new IOException(procStat + " is empty");
            }
            return line;
        }
    }

    /**
     * The counters of the aggregate {@code cpu} line of {@code /proc/stat} text (the whole file or that line):
     * {@code cpu user nice system idle iowait irq softirq steal guest guest_nice}. Guest time is already counted in
     * user and nice, so the total is the sum of the first eight; kernels older than 2.6.11 print fewer, which
     * count as zero.
     *
     * @throws IOException when the text has no such line or it does not hold numbers
     */
    static CpuTimes parse(String procStatText) throws IOException {
        for (String line : procStatText.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields[0].equals("cpu")) {
                return counters(line, fields);
            }
        }
        throw new IOException("no aggregate 'cpu' line in /proc/stat");
    }

    /** The counters of the lines {@code cpuN} of {@code cpus}, summed; a CPU without a line is an error. */
    static CpuTimes parse(String procStatText, Set<Integer> cpus) throws IOException {
        long total = 0;
        long idle = 0;
        Set<Integer> seen = new java.util.HashSet<>();
        for (String line : procStatText.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (!fields[0].matches("cpu\\d+") || !cpus.contains(Integer.parseInt(fields[0].substring(3)))) {
                continue;
            }
            CpuTimes times = counters(line, fields);
            total += times.total();
            idle += times.idle();
            seen.add(Integer.parseInt(fields[0].substring(3)));
        }
        if (!seen.containsAll(cpus)) {
            java.util.TreeSet<Integer> missing = new java.util.TreeSet<>(cpus);
            missing.removeAll(seen);
            throw new IOException("/proc/stat has no line for CPU(s) " + missing + " (offline, or not on this host)");
        }
        return new CpuTimes(total, idle);
    }

    private static CpuTimes counters(String line, String[] fields) throws IOException {
        if (fields.length < 5) {
            throw new IOException("the cpu line of /proc/stat has fewer than four counters: '" + line + "'");
        }
        long total = 0;
        long[] counters = new long[8];
        for (int i = 0; i < counters.length && i + 1 < fields.length; i++) {
            try {
                counters[i] = Long.parseUnsignedLong(fields[i + 1]);
            } catch (NumberFormatException e) {
                throw new IOException("the cpu line of /proc/stat has a counter that is not a number: '" + line
                        + "'");
            }
            total += counters[i];
        }
        return new CpuTimes(total, counters[3] + counters[4]);
    }
}

package io.deetune.loadagent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;

/**
 * The 1-minute load average of {@code /proc/loadavg} per CPU the JVM may use, capped at 1: smoother than the CPU
 * share, and it also counts tasks waiting for a CPU or in uninterruptible sleep (disk I/O).
 */
final class LoadAverage implements LoadMeasure {

    static final Path PROC_LOADAVG = Path.of("/proc/loadavg");

    private final Path procLoadavg;
    private final IntSupplier cpus;

    /** {@code cpus} is asked at every reading: a container's CPU limit can change while the agent runs. */
    LoadAverage(Path procLoadavg, IntSupplier cpus) {
        this.procLoadavg = procLoadavg;
        this.cpus = cpus;
    }

    @Override
    public double busyShare() throws IOException {
        return busyShare(Files.readString(procLoadavg, StandardCharsets.US_ASCII), cpus.getAsInt());
    }

    @Override
    public String describe() {
        return "loadavg (" + procLoadavg + ", 1-minute average per CPU)";
    }

    /**
     * The first field of {@code /proc/loadavg} text ({@code "0.80 1.94 1.63 1/89 20028"}) divided by {@code cpus},
     * at most 1.
     *
     * @throws IOException when the text does not start with a non-negative number
     */
    static double busyShare(String procLoadavgText, int cpus) throws IOException {
        String first = procLoadavgText.trim().split("\\s+")[0];
        double load;
        try {
            load = Double.parseDouble(first);
        } catch (NumberFormatException e) {
            throw new IOException("/proc/loadavg does not start with a load average: '" + procLoadavgText.trim() + "'");
        }
        if (!(load >= 0) || Double.isInfinite(load)) {
            throw new IOException("/proc/loadavg does not start with a load average: '" + procLoadavgText.trim() + "'");
        }
        return Math.min(1.0, load / Math.max(1, cpus));
    }
}

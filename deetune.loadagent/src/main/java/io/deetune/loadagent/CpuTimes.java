package io.deetune.loadagent;

/**
 * The aggregate CPU time counters of one reading of {@code /proc/stat}, in clock ticks since boot, summed over
 * the CPUs: all of it ({@code total}) and the part spent with nothing to run ({@code idle}, which includes
 * {@code iowait}: a CPU waiting for a disk could run other work).
 */
record CpuTimes(long total, long idle) {

    /** Before the first reading: the first busy share is then the one since boot. */
    static final CpuTimes BOOT = new CpuTimes(0, 0);

    /**
     * The share of the time between {@code earlier} and this reading that the CPUs were busy, from 0 to 1; NaN
     * when no tick passed or a counter went backwards (nothing to say about that interval).
     */
    double busyShareSince(CpuTimes earlier) {
        long elapsed = total - earlier.total;
        long idled = idle - earlier.idle;
        if (elapsed <= 0 || idled < 0 || idled > elapsed) {
            return Double.NaN;
        }
        return (double) (elapsed - idled) / elapsed;
    }
}

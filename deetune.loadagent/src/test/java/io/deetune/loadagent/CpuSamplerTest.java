package io.deetune.loadagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuSamplerTest {

    /** A real /proc/stat of a 2-CPU host (shortened after the per-CPU lines). */
    static final String FIRST = "cpu  70109 0 90088 182748 1557 0 32472 6643 0 0\n"
            + "cpu0 34019 0 52703 75259 208 0 26482 3129 0 0\n"
            + "cpu1 36089 0 37384 107489 1349 0 5990 3513 0 0\n"
            + "intr 123456 0 0\nctxt 9876543\nbtime 1700000000\nprocs_running 2\n";

    @TempDir
    Path dir;

    @Test
    void theAggregateLineGivesTheTotalOfTheFirstEightCountersAndIdlePlusIowait() throws IOException {
        // user nice system idle iowait irq softirq steal; guest time (the last two) is already in user and nice.
        CpuTimes times = CpuSampler.parse(FIRST);
        assertEquals(70109 + 90088 + 182748 + 1557 + 32472 + 6643, times.total());
        assertEquals(182748 + 1557, times.idle());
        assertEquals(times, CpuSampler.parse("cpu  70109 0 90088 182748 1557 0 32472 6643 77 0"));
    }

    @Test
    void twoSamplesGiveTheBusyShareBetweenThem() throws IOException {
        CpuTimes before = CpuSampler.parse("cpu  100 0 100 800 0 0 0 0 0 0\n");
        // 200 ticks pass: 50 user, 10 system, 10 softirq, 100 idle, 30 iowait -> 70 busy.
        CpuTimes after = CpuSampler.parse("cpu  150 0 110 900 30 0 10 0 0 0\n");
        assertEquals(0.35, after.busyShareSince(before), 1e-9);
        assertEquals(0.0, CpuSampler.parse("cpu  100 0 100 950 50 0 0 0 0 0").busyShareSince(before), 1e-9);
        assertEquals(1.0, before.busyShareSince(CpuSampler.parse("cpu  0 0 0 800 0 0 0 0 0 0")), 1e-9);
    }

    @Test
    void noTickOrCountersGoingBackwardsSayNothing() throws IOException {
        CpuTimes times = CpuSampler.parse(FIRST);
        assertTrue(Double.isNaN(times.busyShareSince(times)));
        assertTrue(Double.isNaN(CpuTimes.BOOT.busyShareSince(times)));
    }

    @Test
    void oldKernelsWithFourCountersAreRead() throws IOException {
        assertEquals(new CpuTimes(1000, 600), CpuSampler.parse("cpu 300 0 100 600\n"));
    }

    @Test
    void textWithoutAUsableCpuLineIsAnError() {
        assertThrows(IOException.class, () -> CpuSampler.parse("cpu0 1 2 3 4 5\nintr 1\n"));
        assertThrows(IOException.class, () -> CpuSampler.parse("cpu 1 2 3\n"));
        IOException e = assertThrows(IOException.class, () -> CpuSampler.parse("cpu 1 2 x 4 5\n"));
        assertTrue(e.getMessage().contains("not a number"), e.getMessage());
    }

    @Test
    void theSamplerAnswersTheShareSinceBootThenSinceTheLastReading() throws IOException {
        Path stat = dir.resolve("stat");
        CpuSampler sampler = new CpuSampler(stat);
        Files.writeString(stat, "cpu  300 0 100 500 100 0 0 0 0 0\ncpu0 300 0 100 500 100 0 0 0 0 0\n");
        assertEquals(0.4, sampler.busyShare(), 1e-9);
        Files.writeString(stat, "cpu  390 0 100 510 100 0 0 0 0 0\n");
        assertEquals(0.9, sampler.busyShare(), 1e-9);
        // No tick since: the last share stays.
        assertEquals(0.9, sampler.busyShare(), 1e-9);
        Files.writeString(stat, "cpu  390 0 100 610 100 0 0 0 0 0\n");
        assertEquals(0.0, sampler.busyShare(), 1e-9);
    }

    @Test
    void theRealProcStatIsRead() throws IOException {
        double share = new CpuSampler(CpuSampler.PROC_STAT).busyShare();
        assertTrue(share >= 0 && share <= 1, String.valueOf(share));
    }

    @Test
    void chosenCpusSumTheirOwnLines() throws IOException {
        String stat = "cpu  300 0 0 700 0 0 0 0 0 0\ncpu0 100 0 0 400 0 0 0 0 0 0\ncpu1 200 0 0 300 0 0 0 0 0 0\nintr 5\n";
        assertEquals(new CpuTimes(500, 300), CpuSampler.parse(stat, java.util.Set.of(1)));
        assertEquals(new CpuTimes(1000, 700), CpuSampler.parse(stat, java.util.Set.of(0, 1)));
        IOException e = assertThrows(IOException.class, () -> CpuSampler.parse(stat, java.util.Set.of(1, 7)));
        assertTrue(e.getMessage().contains("[7]"), e.getMessage());
    }

    @Test
    void aCpuListIsParsedAndABadOneRefused() throws Exception {
        assertEquals(java.util.Set.of(0, 1, 2, 3, 6), AgentOptions.parse("--cpus", "0-3,6").cpus());
        assertEquals(java.util.Set.of(), AgentOptions.parse().cpus());
        assertThrows(UsageException.class, () -> AgentOptions.parse("--cpus", "3-1"));
        assertThrows(UsageException.class, () -> AgentOptions.parse("--cpus", "x"));
    }
}

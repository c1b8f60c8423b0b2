package io.deetune.loadagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class LoadAverageTest {

    @Test
    void theOneMinuteAverageIsDividedByTheCpusAndCappedAtOne() throws IOException {
        assertEquals(0.4, LoadAverage.busyShare("0.80 1.94 1.63 1/89 20028\n", 2), 1e-9);
        assertEquals(1.0, LoadAverage.busyShare("5.00 1.00 1.00 9/89 20028\n", 2), 1e-9);
        assertEquals(0.0, LoadAverage.busyShare("0.00 0.00 0.00 1/89 20028\n", 4), 1e-9);
    }

    @Test
    void somethingElseIsAnError() {
        assertThrows(IOException.class, () -> LoadAverage.busyShare("", 2));
        assertThrows(IOException.class, () -> LoadAverage.busyShare("load 1 2", 2));
        assertThrows(IOException.class, () -> LoadAverage.busyShare("NaN 1 2", 2));
        assertThrows(IOException.class, () -> LoadAverage.busyShare("-1 1 2", 2));
    }

    @Test
    void theRealProcLoadavgIsRead() throws IOException {
        double share = new LoadAverage(LoadAverage.PROC_LOADAVG, Runtime.getRuntime()::availableProcessors)
                .busyShare();
        assertTrue(share >= 0 && share <= 1, String.valueOf(share));
    }
}

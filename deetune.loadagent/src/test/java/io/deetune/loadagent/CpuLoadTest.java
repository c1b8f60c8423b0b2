package io.deetune.loadagent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** The real /proc/stat: busy loops on every CPU lower the percentage the agent answers. */
class CpuLoadTest {

    @Test
    void burningEveryCpuLowersThePercent() throws Exception {
        try (LoadAgent agent = LoadAgent.start(LoadAgentTest.loopback(0, null), LoadAgentTest.QUIET,
                LoadAgentTest.QUIET)) {
            Thread.sleep(500);
            int idle = percent(LoadAgentTest.ask(agent.port(), null));

            AtomicBoolean burn = new AtomicBoolean(true);
            LongAdder spins = new LongAdder();
            List<Thread> burners = new ArrayList<>();
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                Thread burner = new Thread(() -> {
                    while (burn.get()) {
                        spins.increment();
                    }
                }, "cpu-burner-" + i);
                burner.setDaemon(true);
                burner.start();
                burners.add(burner);
            }
            int busy;
            try {
                // Several sampling intervals (200 ms) of burning; the answer then covers a burnt interval only.
                Thread.sleep(1200);
                busy = percent(LoadAgentTest.ask(agent.port(), null));
                Thread.sleep(800);
            } finally {
                burn.set(false);
                for (Thread burner : burners) {
                    burner.join();
                }
            }
            System.out.println("CpuLoadTest: idle " + idle + "%, burning every CPU " + busy + "%");
            assertTrue(spins.sum() > 0);
            // A host that other work already saturates answers near 0% either way; otherwise the burn must show.
            assertTrue(busy < idle || busy <= 5, "idle " + idle + "%, burning " + busy + "%");
            assertTrue(busy <= 30, "burning every CPU still answers " + busy + "% (idle " + idle + "%)");
        }
    }

    private static int percent(String line) throws IOException {
        assertTrue(LoadAgentTest.ANSWER.matcher(line).matches(), line);
        return Integer.parseInt(line.substring(0, line.indexOf('%')));
    }
}

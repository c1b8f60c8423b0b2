package io.deetune.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.testing.Packets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** BPF_PROG_TEST_RUN on crafted packets: verdicts, rewritten bytes, counters, ring buffer events. */
class TestRunTest {

    @Test
    void countsAndDropsByPort() {
        try (BpfObject object = ObjectTest.probe()) {
            object.setConstant("drop_port", new byte[] {0x35, 0}); // 53
            object.load();
            BpfProgram program = object.program("count_packets");
            TestRunResult pass = program.testRun(Packets.udp("10.1.0.1", 1234, "10.1.0.2", 80, new byte[16]), 10);
            assertEquals(TestRunResult.XDP_PASS, pass.retval());
            assertTrue(pass.nanosPerRun() >= 0);
            assertEquals(TestRunResult.XDP_DROP, program.testRun(Packets.udp("10.1.0.1", 1234, "10.1.0.2", 53, new byte[16])).retval());
            assertEquals(TestRunResult.XDP_PASS, program.testRun(Packets.tcp("10.1.0.1", 1234, "10.1.0.2", 53, Packets.TCP_SYN, new byte[0])).retval());
            TypedMap<Integer, Long> counters = object.map("counters").typed(Codec.U32, Codec.U64);
            assertEquals(12L, counters.get(0).orElseThrow());
            assertEquals(11L, counters.get(1).orElseThrow());
            assertEquals(1L, counters.get(2).orElseThrow());
            assertEquals(12L, object.map("percpu_counters").typed(Codec.U32, Codec.U64).getSummed(0, Long::sum).orElseThrow());
        }
    }

    @Test
    void rewriteKeepsChecksumsRight() {
        try (BpfObject object = ObjectTest.probe().load()) {
            byte[] in = Packets.udp("192.168.7.1", 4000, "192.168.7.2", 53, "hello".getBytes(StandardCharsets.US_ASCII));
            TestRunResult result = object.program("rewrite_bounce").testRun(in);
            assertEquals(TestRunResult.XDP_TX, result.retval());
            byte[] out = result.output();
            assertEquals(in.length, out.length);
            assertArrayEquals(Packets.MAC_A, java.util.Arrays.copyOfRange(out, 0, 6));
            assertArrayEquals(Packets.MAC_B, java.util.Arrays.copyOfRange(out, 6, 12));
            assertEquals(Packets.ip("10.9.9.9"), Packets.destinationAddress(out));
            assertEquals(9999, Packets.destinationPort(out));
            assertTrue(Packets.ipv4ChecksumOk(out), "IPv4 header checksum");
            assertTrue(Packets.l4ChecksumOk(out), "UDP checksum");
        }
    }

    @Test
    void lpmTrieMatchesLongestPrefix() {
        try (BpfObject object = ObjectTest.probe().load()) {
            BpfMap prefixes = object.map("prefixes");
            prefixes.updateBatch(List.of(new byte[] {16, 0, 0, 0, (byte) 172, 16, 0, 0}), List.of(Codec.U32.toBytes(1)), BpfMap.ANY);
            BpfProgram program = object.program("match_prefix");
            assertEquals(TestRunResult.XDP_DROP, program.testRun(Packets.udp("172.16.200.3", 1, "10.0.0.1", 2, new byte[0])).retval());
            assertEquals(TestRunResult.XDP_PASS, program.testRun(Packets.udp("172.17.0.3", 1, "10.0.0.1", 2, new byte[0])).retval());
        }
    }

    @Test
    void ringBufferEventsReachJava() throws Exception {
        try (BpfObject object = ObjectTest.probe()) {
            object.setConstant("event_tag", 0xBEEF);
            object.load();
            List<ByteBuffer> events = new CopyOnWriteArrayList<>();
            List<byte[]> sent = new ArrayList<>();
            try (RingBufferConsumer consumer = RingBufferConsumer.start(object.map("events"), events::add)) {
                for (int i = 0; i < 10; i++) {
                    byte[] packet = Packets.udp("10.0.0." + (i + 1), 1000 + i, "10.0.1.1", 80, new byte[i]);
                    sent.add(packet);
                    object.program("emit_event").testRun(packet);
                }
                long deadline = System.currentTimeMillis() + 5000;
                while (events.size() < 10 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
            }
            assertEquals(10, events.size());
            for (int i = 0; i < 10; i++) {
                ByteBuffer event = events.get(i);
                assertEquals(sent.get(i).length, event.getInt());
                assertEquals(0xBEEF, event.getInt());
                byte[] head = new byte[32];
                event.get(head);
                assertArrayEquals(java.util.Arrays.copyOf(sent.get(i), 32), head);
            }
        }
    }
}

package io.deetune.bpf.testing;

import io.deetune.bpf.NetNs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Sends and receives UDP datagrams inside lab namespaces; each datagram carries a sequence number. */
public final class UdpTraffic {

    private UdpTraffic() {}

    /** Sends {@code count} datagrams from {@code ns} to {@code host:port}, one every {@code gapNanos}. */
    public static void send(String ns, String host, int port, int count, long gapNanos) {
        int[] sent = {0};
        sendWhile(ns, host, port, () -> sent[0]++ < count, gapNanos);
    }

    /**
     * Sends datagrams from {@code ns} to {@code host:port}, one every {@code gapNanos}, for as long as
     * {@code more} says so (asked before each one); returns how many were sent (sequence numbers 0..n-1).
     */
    public static int sendWhile(String ns, String host, int port, BooleanSupplier more, long gapNanos) {
        return NetNs.get(ns, () -> {
            try (DatagramSocket socket = new DatagramSocket()) {
                InetSocketAddress target = new InetSocketAddress(host, port);
                byte[] payload = new byte[64];
                long next = System.nanoTime();
                int seq = 0;
                for (; more.getAsBoolean(); seq++) {
                    ByteBuffer.wrap(payload).putInt(seq);
                    socket.send(new DatagramPacket(payload, payload.length, target));
                    if (gapNanos > 0) {
                        next += gapNanos;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                }
                return seq;
            } catch (IOException e) {
                throw new UncheckedIOException("sending UDP from " + ns + " to " + host + ":" + port, e);
            }
        });
    }

    /** A receiver bound in a namespace that records which sequence numbers arrived. */
    public static final class Receiver implements AutoCloseable {
        private final DatagramSocket socket;
        private final BitSet seen = new BitSet();
        private final Thread thread;
        private volatile int received;

        public Receiver(String ns, String host, int port) {
            this.socket = NetNs.get(ns, () -> {
                try {
                    DatagramSocket s = new DatagramSocket(null);
                    s.setReceiveBufferSize(4 << 20);
                    s.bind(new InetSocketAddress(host, port));
                    s.setSoTimeout(200);
                    return s;
                } catch (IOException e) {
                    throw new UncheckedIOException("binding UDP " + host + ":" + port + " in " + ns, e);
                }
            });
            this.thread = Thread.ofPlatform().name("udp-receiver-" + port).daemon(true).start(this::loop);
        }

        private void loop() {
            byte[] buffer = new byte[2048];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            while (!socket.isClosed()) {
                try {
                    socket.receive(packet);
                    int seq = ByteBuffer.wrap(buffer).getInt();
                    synchronized (seen) {
                        seen.set(seq);
                    }
                    received++;
                } catch (SocketTimeoutException e) {
                    // poll the closed flag
                } catch (IOException e) {
                    return;
                }
            }
        }

        /** Datagrams received so far (duplicates included). */
        public int received() {
            return received;
        }

        /** Waits until {@code expected} datagrams arrived or {@code timeoutMillis} passed; returns the count. */
        public int awaitCount(int expected, long timeoutMillis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (received < expected && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            return received;
        }

        /** The sequence numbers below {@code count} that never arrived. */
        public BitSet missing(int count) {
            BitSet missing = new BitSet();
            synchronized (seen) {
                for (int i = 0; i < count; i++) {
                    if (!seen.get(i)) {
                        missing.set(i);
                    }
                }
            }
            return missing;
        }

        @Override
        public void close() {
            socket.close();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

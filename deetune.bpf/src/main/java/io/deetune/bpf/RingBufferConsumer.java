package io.deetune.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.deetune.bpf.internal.Libbpf;
import io.deetune.bpf.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@code BPF_MAP_TYPE_RINGBUF} map on its own platform thread and hands every event to a Java callback
 * (a copy of the event's bytes, in native byte order). {@link #close()} stops the thread and frees the reader.
 */
public final class RingBufferConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RingBufferConsumer.class);
    private static final int POLL_MS = 100;
    private static final int EINTR = 4;

    private final Consumer<ByteBuffer> handler;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment ring;
    private final Thread thread;
    private volatile boolean running = true;

    private RingBufferConsumer(BpfMap map, Consumer<ByteBuffer> handler) {
        if (map.type() != MapType.RINGBUF) {
            throw new IllegalArgumentException("map '" + map.name() + "' is a " + map.type() + " map, not a ring buffer");
        }
        this.handler = handler;
        try {
            MethodHandle target = MethodHandles.lookup().bind(this, "onEvent",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class));
            MemorySegment callback = Native.LINKER.upcallStub(target,
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), arena);
            this.ring = Native.call(Libbpf.RING_BUFFER_NEW, map.fd(), callback, MemorySegment.NULL, MemorySegment.NULL)
                    .checkPointer("open ring buffer '" + map.name() + "'");
        } catch (NoSuchMethodException | IllegalAccessException e) {
            arena.close();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        this.thread = Thread.ofPlatform().name("deetune-ringbuf-" + map.name()).daemon(true).unstarted(this::pollLoop);
    }

    /** Starts a consumer of {@code map} that calls {@code handler} once per event. */
    public static RingBufferConsumer start(BpfMap map, Consumer<ByteBuffer> handler) {
        RingBufferConsumer consumer = new RingBufferConsumer(map, handler);
        consumer.thread.start();
        return consumer;
    }

    private void pollLoop() {
        while (running) {
            Native.Outcome outcome = Native.call(Libbpf.RING_BUFFER_POLL, ring, POLL_MS);
            if (outcome.asInt() < 0 && outcome.errno() != EINTR) {
                LOG.error("ring buffer poll failed, consumer stops", outcome.error("poll ring buffer", outcome.asInt()));
                return;
            }
        }
    }

    @SuppressWarnings("unused") // called from native code
    private int onEvent(MemorySegment context, MemorySegment data, long size) {
        try {
            byte[] copy = data.reinterpret(size).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            handler.accept(ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder()));
        } catch (Throwable t) {
            LOG.error("ring buffer handler failed", t);
        }
        return 0;
    }

    /** Stops the polling thread and frees the reader. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Native.call(Libbpf.RING_BUFFER_FREE, ring);
        arena.close();
    }
}

package io.deetune.core.internal;

import io.deetune.bpf.BpfObject;
import io.deetune.bpf.Codec;
import io.deetune.core.api.Hook;
import io.deetune.core.api.Stage;
import io.deetune.core.api.StageMaps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Stages built from the test objects in src/test/bpf. */
final class TestStages {

    private TestStages() {}

    static byte[] object(String name) {
        try (InputStream in = TestStages.class.getClassLoader().getResourceAsStream("bpf/" + name + ".bpf.o")) {
            if (in == null) {
                throw new IllegalStateException("test object bpf/" + name + ".bpf.o missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tagger stage: records {@code tag} in UDP payloads, drops UDP to {@code dropPort} (0: none). */
    static class Tagger implements Stage {
        final char tag;
        final int dropPort;
        final AtomicInteger loadedCalls = new AtomicInteger();
        final AtomicInteger unloadingCalls = new AtomicInteger();
        /** The seen counter as read in loaded(), to check state survives upgrades. */
        final AtomicLong seenAtLoad = new AtomicLong(-1);

        Tagger(char tag, int dropPort) {
            this.tag = tag;
            this.dropPort = dropPort;
        }

        @Override
        public byte[] object() {
            return TestStages.object("tagger");
        }

        @Override
        public String program() {
            return "tagger";
        }

        @Override
        public void configure(BpfObject object) {
            object.setConstant("tag", new byte[] {(byte) tag});
            object.setConstant("drop_port", new byte[] {(byte) dropPort, (byte) (dropPort >> 8)});
        }

        @Override
        public void loaded(StageMaps maps) {
            loadedCalls.incrementAndGet();
            seenAtLoad.set(maps.map("seen").typed(Codec.U32, Codec.U64).get(0).orElseThrow());
        }

        @Override
        public void unloading(StageMaps maps) {
            unloadingCalls.incrementAndGet();
        }
    }

    /** A stage from one of the test objects whose entry program has the object's name. */
    static Stage plain(String objectName) {
        return new Stage() {
            @Override
            public byte[] object() {
                return TestStages.object(objectName);
            }

            @Override
            public String program() {
                return objectName;
            }
        };
    }

    static StageRegistration registration(String name, int priority, Stage stage) {
        return new StageRegistration(name, priority, Hook.XDP, stage, 1);
    }
}

package io.deetune.bpf.testing;

import io.deetune.bpf.BpfFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A fresh folder in bpffs for a test's pins, removed with everything in it on {@link #close()}. */
public final class TestPins implements AutoCloseable {

    private final Path dir;

    private TestPins(Path dir) {
        this.dir = dir;
    }

    /** Creates {@code <bpffs>/deetune-test/<prefix><random>}. */
    public static TestPins create(String prefix) {
        try {
            return new TestPins(Files.createTempDirectory(BpfFs.directory("deetune-test"), prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a pin folder in bpffs", e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path resolve(String relative) {
        return dir.resolve(relative);
    }

    /** Unpins everything below the folder (the kernel frees what nothing else holds) and removes it. */
    @Override
    public void close() {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}

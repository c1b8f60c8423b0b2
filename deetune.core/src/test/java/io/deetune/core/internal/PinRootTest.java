package io.deetune.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.BpfObject;
import io.deetune.bpf.testing.TestPins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/**
 * The pin root holds what the data plane runs: its folders are the core's alone (0700), and a pin root that another
 * user owns, or that others may write, is refused (they could plant or swap pins), with a problem that says so.
 */
class PinRootTest {

    @Test
    void theRootAndItsFoldersAreCreatedPrivate() throws Exception {
        try (TestPins pins = TestPins.create("root")) {
            Path root = pins.resolve("deetune");
            PinRoot.prepare(root);
            assertEquals("rwx------", mode(root));
            try (StateMapStore store = new StateMapStore(root); BpfObject object = BpfObject.open(PinRootTest.class, "bpf/layout_v1.bpf.o")) {
                store.prepare("counter", object);
                assertEquals("rwx------", mode(root.resolve("stages")));
                assertEquals("rwx------", mode(root.resolve("stages/counter")));
            }
            try (PipelineEngine engine = new PipelineEngine(root, 0)) {
                engine.configure(PipelineSpec.of("edge", "xdp", "auto", new String[0]));
                assertEquals("rwx------", mode(root.resolve("edge")));
                engine.removePipeline("edge", true);
            }
        }
    }

    @Test
    void aPinRootOfAnotherUserIsRefused() throws Exception {
        try (TestPins pins = TestPins.create("root")) {
            Path root = pins.resolve("deetune");
            Files.createDirectory(root);
            Files.setAttribute(root, "unix:uid", 4242);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> PinRoot.prepare(root));
            assertTrue(e.getMessage().contains(root + " is owned by uid 4242"), e.getMessage());
            try (PipelineEngine engine = new PipelineEngine(root, 0)) {
                IllegalStateException refused = assertThrows(IllegalStateException.class,
                        () -> engine.configure(PipelineSpec.of("edge", "xdp", "auto", new String[0])));
                assertTrue(refused.getMessage().contains("owned by uid 4242"), refused.getMessage());
                assertTrue(Files.notExists(root.resolve("edge")), "nothing is created under a refused root");
            }
        }
    }

    @Test
    void aPinRootOthersMayWriteIsRefused() throws Exception {
        try (TestPins pins = TestPins.create("root")) {
            Path root = pins.resolve("deetune");
            Files.createDirectory(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> PinRoot.prepare(root));
            assertTrue(e.getMessage().contains("writable by its group or by others"), e.getMessage());
        }
    }

    private static String mode(Path p) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}

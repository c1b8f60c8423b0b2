package io.deetune.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.bpf.testing.TestPins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What DeeTune makes in bpffs is its own: a bpffs it mounts and the folders it creates are mode 0700. */
class BpfFsTest {

    @TempDir
    Path dir;

    @Test
    void aMountedBpfFsIsPrivate() throws Exception {
        Path target = dir.resolve("bpffs");
        BpfFs.mount(target);
        try {
            assertTrue(BpfFs.isBpfFs(target));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        } finally {
            Process umount = new ProcessBuilder("umount", target.toString()).inheritIO().start();
            assertEquals(0, umount.waitFor());
        }
    }

    @Test
    void foldersAreCreatedPrivate() {
        try (TestPins pins = TestPins.create("private")) {
            Path deep = pins.resolve("a/b/c");
            assertEquals(deep, BpfFs.createPrivateDirectories(deep));
            for (Path p = deep; !p.equals(pins.dir()); p = p.getParent()) {
                assertEquals("rwx------", mode(p), p.toString());
            }
        }
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

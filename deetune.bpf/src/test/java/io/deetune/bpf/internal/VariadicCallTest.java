package io.deetune.bpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** open(2) is variadic: linked as such, its mode argument (read only with O_CREAT) reaches the kernel. */
class VariadicCallTest {

    private static final int O_WRONLY = 1;
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_CLOEXEC = 02000000;

    @TempDir
    Path dir;

    @Test
    void openWithCreateGivesTheFileItsMode() throws Exception {
        for (int mode : new int[] {0600, 0640, 0604}) {
            Path file = dir.resolve("mode-" + Integer.toOctalString(mode));
            int fd;
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                fd = Native.call(Libbpf.OPEN, arena.allocateFrom(file.toString()), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
                        .checkInt("create " + file);
            }
            Libbpf.closeQuietly(fd);
            // umask may only take bits away; 0022 (the usual one) leaves these modes alone
            assertEquals(PosixFilePermissions.toString(PosixFilePermissions.fromString(rwx(mode))),
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
        }
    }

    private static String rwx(int mode) {
        StringBuilder sb = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = (mode >> shift) & 7;
            sb.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        return sb.toString();
    }
}

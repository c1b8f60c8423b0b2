package io.deetune.core.internal;

import io.deetune.bpf.BpfFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The folder under which the core pins its links, programs and maps. What is pinned there runs in the kernel, and
 * the core adopts it at the next start; so the folder must be the core's own: created 0700, and refused when another
 * user owns it or others may write to it (they could plant a program or swap a map that the core would adopt).
 */
final class PinRoot {

    private PinRoot() {}

    /** Creates the root (0700) if it is missing, then {@link #require}s it. */
    static Path prepare(Path root) {
        BpfFs.createPrivateDirectories(root);
        require(root);
        return root;
    }

    /** Fails with what is wrong and how to fix it unless {@code root} is a folder this process owns alone. */
    static void require(Path root) {
        int owner;
        Set<PosixFilePermission> mode;
        try {
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException("pin root " + root + " is not a folder (a symbolic link or file is refused)");
            }
            owner = (Integer) Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            mode = Files.getPosixFilePermissions(root, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the owner and mode of pin root " + root, e);
        }
        int us = BpfFs.effectiveUid();
        if (owner != us) {
            throw new IllegalStateException("pin root " + root + " is owned by uid " + owner + ", not by this process (uid "
                    + us + "): DeeTune refuses to pin into, or adopt from, a folder another user controls; remove it, or"
                    + " chown it to uid " + us + " and chmod 0700, or set pin.root in etc/" + CoreConfig.PID + ".cfg");
        }
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IllegalStateException("pin root " + root + " is writable by its group or by others (mode "
                    + PosixFilePermissions.toString(mode) + "): DeeTune refuses it; chmod 0700 " + root);
        }
    }
}

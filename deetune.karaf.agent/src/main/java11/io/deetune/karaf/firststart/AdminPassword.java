package io.deetune.karaf.firststart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Gives the distribution's {@code admin} user a password of its own at Karaf's first start, so that no two
 * installations share one and none ships a known one.
 *
 * <p>The shipped {@code etc/users.properties} has no {@code admin} entry, only the line {@link #MARKER}. Before
 * Karaf starts (the agent runs before Karaf's main), this replaces that line with {@code admin = <password>,
 * _g_:admingroup} and writes the password alone to {@code etc/admin.password}; both files are made readable and
 * writable by their owner only (Karaf runs as root). Without the marker it does nothing: the users have been set up.
 * Until this ran nobody can log in, so there is no moment with a usable shipped password.
 */
public final class AdminPassword {

    /** The line of the shipped users.properties that asks for a password (a comment to Karaf). */
    public static final String MARKER = "#deetune:generate-admin-password";
    /** The file next to users.properties that holds the generated password (one line). */
    public static final String PASSWORD_FILE = "admin.password";

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int LENGTH = 24; // about 140 bits
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AdminPassword() {
    }

    /**
     * Generates the password if {@code etc/users.properties} still asks for one.
     *
     * @return the file holding the new password, or null if nothing was to be done
     */
    public static Path generateIfAsked(Path etc) throws IOException {
        Path users = etc.resolve("users.properties");
        if (!Files.isRegularFile(users)) {
            return null;
        }
        List<String> lines = Files.readAllLines(users, StandardCharsets.ISO_8859_1);
        int marker = lines.indexOf(MARKER);
        if (marker < 0) {
            return null;
        }
        String password = randomPassword();
        Path passwordFile = etc.resolve(PASSWORD_FILE);
        writeOwnerOnly(passwordFile, List.of(password));
        List<String> updated = new ArrayList<>(lines);
        updated.set(marker, "admin = " + password + ",_g_:admingroup");
        writeOwnerOnly(users, updated);
        return passwordFile;
    }

    static String randomPassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    /** Writes the file whole through a sibling that is owner-only from its creation, then renames it into place. */
    private static void writeOwnerOnly(Path file, List<String> lines) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.write(partial, lines, StandardCharsets.ISO_8859_1);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Called by the agent in Karaf's JVM: generates the password if asked and says where it is. */
    public static void atKarafStart() {
        String etc = System.getProperty("karaf.etc");
        if (etc == null) {
            return;
        }
        try {
            Path file = generateIfAsked(Path.of(etc));
            if (file != null) {
                System.out.println("[deetune] first start: generated the password of Karaf user 'admin'; it is in " + file
                        + " (readable by " + System.getProperty("user.name") + " only)");
            }
        } catch (IOException | RuntimeException e) {
            // Karaf still starts; nobody can log in as admin until etc/users.properties gets a password.
            System.err.println("[deetune] could not generate the admin password in " + etc + "/users.properties: " + e);
        }
    }
}

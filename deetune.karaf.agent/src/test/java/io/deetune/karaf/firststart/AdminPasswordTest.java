package io.deetune.karaf.firststart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminPasswordTest {

    @TempDir
    Path etc;

    private Path users(String... lines) throws Exception {
        return Files.write(etc.resolve("users.properties"), List.of(lines));
    }

    @Test
    void theMarkerBecomesAnAdminWithARandomPasswordInOwnerOnlyFiles() throws Exception {
        Path users = users("# comment", AdminPassword.MARKER, "_g_\\:admingroup = group,admin");
        Path file = AdminPassword.generateIfAsked(etc);
        assertEquals(etc.resolve("admin.password"), file);
        String password = Files.readString(file).strip();
        assertTrue(password.matches("[A-Za-z0-9]{24}"), password);
        assertEquals(List.of("# comment", "admin = " + password + ",_g_:admingroup", "_g_\\:admingroup = group,admin"),
                Files.readAllLines(users));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
        assertFalse(Files.exists(etc.resolve("users.properties.partial")));
    }

    @Test
    void onlyOnce() throws Exception {
        users(AdminPassword.MARKER);
        String first = Files.readString(AdminPassword.generateIfAsked(etc));
        List<String> configured = Files.readAllLines(etc.resolve("users.properties"));
        assertNull(AdminPassword.generateIfAsked(etc));
        assertEquals(configured, Files.readAllLines(etc.resolve("users.properties")));
        assertEquals(first, Files.readString(etc.resolve("admin.password")));
    }

    @Test
    void usersSetUpByHandAreLeftAlone() throws Exception {
        users("admin = mine,_g_:admingroup");
        assertNull(AdminPassword.generateIfAsked(etc));
        assertEquals(List.of("admin = mine,_g_:admingroup"), Files.readAllLines(etc.resolve("users.properties")));
        assertFalse(Files.exists(etc.resolve("admin.password")));
    }

    @Test
    void everyInstallationGetsAnotherPassword() {
        assertNotEquals(AdminPassword.randomPassword(), AdminPassword.randomPassword());
    }
}

package io.deetune.karaf.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The distribution as a Karaf user starts it: {@code bin/start} and {@code bin/client} with no JAVA_HOME and an old
 * Java first on PATH (Debian's default JRE, which Maven pulls in), with etc/ as shipped, as a second instance beside
 * the first ({@code DEETUNE_INSTANCE}); and the defaults it must be safe with: the console and HTTP answer this
 * machine only, and the admin password is generated at the first start, readable by root only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SafeDefaultsTest {

    private int instance;
    private String pinRoot;
    private KarafProcess karaf;
    private Path oldJava;

    @BeforeAll
    void startAsAUserWould() throws Exception {
        oldJava = olderJavaHome();
        instance = freeInstance();
        pinRoot = "/sys/fs/bpf/deetune-" + instance;
        karaf = KarafProcess.unpackAsInstance(Path.of(System.getProperty("deetune.distribution")),
                Path.of("target/karaf-defaults").toAbsolutePath(), instance);
        Map<String, String> environment = karaf.environment();
        environment.put("JAVA_HOME", null);
        environment.put("PATH", oldJava.resolve("bin") + ":" + System.getenv("PATH"));
        karaf.startInBackground();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            karaf.close();
        } finally {
            KarafProcess.deleteTree(Path.of(pinRoot));
        }
    }

    @Test
    void binStartAndBinClientFindJava25ThemselvesAndEveryDeeTuneBundleIsActive() {
        String bundles = karaf.execute("bundle:list -s");
        List<String> deetune = bundles.lines().filter(line -> line.contains("io.deetune.")).toList();
        assertTrue(deetune.size() >= 5, bundles);
        for (String line : deetune) {
            assertTrue(line.contains("Active"), "not active: " + line + "\n" + bundles);
        }
        assertFalse(bundles.contains("JAVA_HOME not set"), bundles);
    }

    @Test
    void withoutJava25TheScriptsSayInOneLineWhatToInstall() throws Exception {
        Path noJdks = Files.createTempDirectory("no-jdks");
        try {
            for (String script : List.of("bin/karaf", "bin/start", "bin/client")) {
                KarafProcess.Outcome outcome = withEnvironment(Map.of("DEETUNE_JDK_DIRS", noJdks.toString()),
                        () -> karaf.script(List.of(karaf.home().resolve(script).toString())));
                assertNotEquals(0, outcome.exitCode(), script + ": " + outcome.output());
                List<String> lines = outcome.output().lines().toList();
                assertEquals(1, lines.size(), script + ": " + outcome.output());
                assertTrue(lines.get(0).contains("no Java >= 25 found") && lines.get(0).contains("install"), lines.get(0));
            }
        } finally {
            Files.delete(noJdks);
        }
    }

    @Test
    void oneSettingMovesEveryPortAndThePinRootOfASecondInstance() throws IOException {
        assertEquals(KarafProcess.SHIPPED_SSH_PORT + instance, karaf.sshPort());
        for (int port : List.of(8101 + instance, 8181 + instance, 1099 + instance, 44444 + instance)) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            }
        }
        assertTrue(Files.isDirectory(Path.of(pinRoot)), pinRoot);
        // bin/client finds the instance's SSH port in etc/ by itself.
        String whoami = karaf.script(List.of(karaf.home().resolve("bin/client").toString(), "-u", "admin", "-p", karaf.password(),
                "jaas:whoami")).output();
        assertTrue(whoami.contains("admin"), whoami);
    }

    /** An instance number whose four ports are free here. */
    private static int freeInstance() {
        int start = new java.util.Random().nextInt(7000);
        for (int i = 0; i < 7000; i++) {
            int candidate = 2000 + (start + i) % 7000;
            if (List.of(8101, 8181, 1099, 44444).stream().allMatch(base -> free(base + candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no instance number with four free ports");
    }

    private static boolean free(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void consoleAndHttpAnswerThisMachineOnly() throws IOException {
        for (int port : List.of(karaf.sshPort(), karaf.httpPort())) {
            try (Socket local = new Socket()) {
                local.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            }
            // Another address of the loopback network: a socket bound to every interface would take it.
            assertThrows(ConnectException.class, () -> {
                try (Socket other = new Socket()) {
                    other.connect(new InetSocketAddress("127.0.0.2", port), 5000);
                }
            }, "port " + port + " answers on 127.0.0.2");
        }
    }

    @Test
    void theAdminPasswordIsGeneratedAndOnlyItsOwnerReadsIt() throws Exception {
        Path passwordFile = karaf.etc("admin.password");
        Path users = karaf.etc("users.properties");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
        String password = karaf.password();
        assertTrue(password.length() >= 20, password);
        karaf.execute("jaas:whoami"); // a login: Karaf stores the password hashed from then on
        try (Stream<String> lines = Files.lines(users)) {
            String admin = lines.filter(line -> line.startsWith("admin")).findFirst().orElseThrow();
            assertTrue(admin.matches("admin = \\{CRYPT\\}[0-9A-Fa-f]{64}\\{CRYPT\\},_g_:admingroup"), admin);
        }
        assertTrue(Files.readString(users).contains("_g_\\:admingroup"));
        KarafProcess.Outcome shipped = karaf.script(List.of(karaf.home().resolve("bin/client").toString(),
                "-a", Integer.toString(karaf.sshPort()), "-u", "admin", "-p", "deetune", "-r", "1", "jaas:whoami"));
        assertFalse(shipped.output().contains("admin") && shipped.exitCode() == 0, shipped.output());
    }

    /** Runs {@code action} with {@code changes} added to the scripts' environment. */
    private <T> T withEnvironment(Map<String, String> changes, java.util.function.Supplier<T> action) {
        changes.forEach(karaf.environment()::put);
        try {
            return action.get();
        } finally {
            changes.keySet().forEach(karaf.environment()::remove);
        }
    }

    /** A Java older than 25 in /usr/lib/jvm (Debian's default JRE, which the maven package depends on). */
    private static Path olderJavaHome() throws IOException {
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            return homes.filter(home -> !Files.isSymbolicLink(home) && Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> feature(home) < 25).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Java older than 25 in /usr/lib/jvm (install default-jre-headless)"));
        }
    }

    private static int feature(Path home) {
        try (Stream<String> release = Files.lines(home.resolve("release"))) {
            String version = release.filter(line -> line.startsWith("JAVA_VERSION=")).findFirst().orElse("JAVA_VERSION=\"0\"");
            return Integer.parseInt(version.replaceAll("JAVA_VERSION=\"(?:1\\.)?(\\d+).*", "$1"));
        } catch (IOException | NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}

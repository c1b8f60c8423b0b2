package io.deetune.karaf.itest;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.CoreOptions.vmOptions;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;

/**
 * The Pax Exam configuration that boots DeeTune's own Karaf distribution (the tar.gz built by distribution/),
 * started the way bin/karaf and bin/setenv start it, on ports and pins of its own so that it can run next to
 * a demo or another test.
 */
public final class DeeTuneDistribution {

    /** Where the core pins while the tests run, away from the demo's /sys/fs/bpf/deetune. */
    public static final String PIN_ROOT = "/sys/fs/bpf/deetune-itest";

    /** System property (in the container too): the jar of the test stage bundle. */
    public static final String TEST_STAGE_PROPERTY = "deetune.itest.stage";

    private DeeTuneDistribution() {
    }

    public static Option[] options() {
        String karafVersion = requiredProperty("karaf.version");
        File distribution = new File(requiredProperty("deetune.distribution"));
        if (!distribution.isFile()) {
            throw new IllegalStateException("no distribution at " + distribution + ": build distribution/ first");
        }
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(distribution.toURI().toString())
                    .karafVersion(karafVersion)
                    .name("DeeTune")
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevel.INFO),
            systemTimeout(120_000),
            // Own ports: a demo (or anything else) may hold Karaf's defaults.
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", freePort()),
            editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", freePort()),
            editConfigurationFilePut("etc/io.deetune.core.cfg", "pin.root", PIN_ROOT),
            // The test stage bundle (deetune.itest.stage) that the hot deploy test copies into deploy/.
            systemProperty(TEST_STAGE_PROPERTY).value(requiredProperty(TEST_STAGE_PROPERTY)),
            // Pax Exam installs its own bundles (feature "exam"): from the build's local repository, else Central.
            // The distribution itself stays offline: all of DeeTune and Karaf is in its system/.
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                    requiredProperty("maven.repo.local")),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories",
                    "https://repo1.maven.org/maven2@id=central"),
            vmOptions(jvmOptions(karafVersion)),
        };
    }

    /**
     * What bin/karaf passes to a JDK 9+ JVM (Pax Exam starts Java itself: without --patch-module the
     * java.xml/locator specs are missing) and what bin/setenv adds for JDK 24+ and DeeTune.
     */
    private static String[] jvmOptions(String karafVersion) {
        return new String[] {
            "--add-reads=java.xml=java.logging",
            "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
            "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
            "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
            "--add-opens", "java.base/java.security=ALL-UNNAMED",
            "--add-opens", "java.base/java.net=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
            "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
            "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "-classpath", "lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*",
            // bin/setenv
            "-Djava.security.manager=disallow",
            "--enable-native-access=ALL-UNNAMED",
            "-javaagent:lib/deetune.karaf.agent.jar",
        };
    }

    /**
     * Removes what the core pinned for the tests: first it waits a few seconds for the core to remove the pins of
     * the pipelines the tests detached (it does so in the background), then it removes the state maps of the
     * distribution's own stages (the core keeps those until their bundle is uninstalled, which a test never does).
     */
    public static void removePins() throws InterruptedException {
        Path root = Path.of(PIN_ROOT);
        for (int attempt = 0; attempt < 50 && pipelinesPinned(root); attempt++) {
            Thread.sleep(100);
        }
        try {
            KarafProcess.deleteTree(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the test pins under " + PIN_ROOT, e);
        }
    }

    private static boolean pipelinesPinned(Path root) {
        try (Stream<Path> entries = Files.exists(root) ? Files.list(root) : Stream.empty()) {
            return entries.anyMatch(entry -> !entry.getFileName().toString().equals("stages"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set (see deetune.karaf.itest/pom.xml)");
        }
        return value;
    }

    private static String freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Integer.toString(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port", e);
        }
    }
}

package io.deetune.karaf.itest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DeeTune's distribution run the way users run it, as its own process: unpacked from the tar.gz, configured through
 * files in etc/, started with {@code bin/karaf server}, driven with {@code bin/client} and stopped with
 * {@code bin/stop}. Pax Exam cannot restart the Karaf it runs in; this can.
 */
final class KarafProcess implements AutoCloseable {

    static final String USER = "admin";
    private static final Duration BOOT = Duration.ofSeconds(180);

    /** Karaf's SSH and HTTP ports as the distribution ships them (bin/setenv adds DEETUNE_INSTANCE to each). */
    static final int SHIPPED_SSH_PORT = 8101;
    static final int SHIPPED_HTTP_PORT = 8181;

    private final Path home;
    private final int sshPort;
    private final int httpPort;
    /** The environment of every script run: changes to the test JVM's (a null value removes the variable). */
    private final Map<String, String> environment = new HashMap<>(Map.of("JAVA_HOME", System.getProperty("java.home")));
    private ProcessHandle process;
    private int starts;

    private KarafProcess(Path home, int sshPort, int httpPort) {
        this.home = home;
        this.sshPort = sshPort;
        this.httpPort = httpPort;
    }

    /** Unpacks the distribution into {@code into} (emptied first) and moves every port off Karaf's defaults. */
    static KarafProcess unpack(Path distribution, Path into) throws IOException {
        untar(distribution, into);
        KarafProcess karaf = new KarafProcess(into, freePort(), freePort());
        karaf.setProperty("org.apache.karaf.shell.cfg", "sshPort", Integer.toString(karaf.sshPort));
        karaf.setProperty("org.ops4j.pax.web.cfg", "org.osgi.service.http.port", Integer.toString(karaf.httpPort));
        karaf.setProperty("org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(freePort()));
        karaf.setProperty("org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(freePort()));
        return karaf;
    }

    /**
     * Unpacks the distribution with its etc/ as shipped and runs it as instance {@code instance} beside the first, the
     * way the README tells a user to: {@code DEETUNE_INSTANCE} in the scripts' environment moves every port by it.
     */
    static KarafProcess unpackAsInstance(Path distribution, Path into, int instance) throws IOException {
        untar(distribution, into);
        KarafProcess karaf = new KarafProcess(into, SHIPPED_SSH_PORT + instance, SHIPPED_HTTP_PORT + instance);
        karaf.environment.put("DEETUNE_INSTANCE", Integer.toString(instance));
        return karaf;
    }

    private static void untar(Path distribution, Path into) throws IOException {
        deleteTree(into);
        Files.createDirectories(into);
        run(List.of("tar", "xzf", distribution.toString(), "--strip-components=1", "-C", into.toString()), Map.of());
    }

    Path home() {
        return home;
    }

    int sshPort() {
        return sshPort;
    }

    int httpPort() {
        return httpPort;
    }

    /** The environment of the scripts this runs (bin/karaf, bin/start, bin/client, bin/stop): change it before use. */
    Map<String, String> environment() {
        return environment;
    }

    /**
     * The admin password that Karaf generated at its first start (etc/admin.password).
     *
     * @throws IllegalStateException while there is none yet (Karaf's JVM has not got that far)
     */
    String password() {
        try {
            return Files.readString(etc("admin.password")).strip();
        } catch (IOException e) {
            throw new IllegalStateException("no generated admin password (has Karaf started once?)", e);
        }
    }

    Path etc(String file) {
        return home.resolve("etc").resolve(file);
    }

    /** Sets {@code key = value} in a .cfg file of etc/, replacing the key's line (commented out or not) if there is one. */
    void setProperty(String file, String key, String value) throws IOException {
        Path cfg = etc(file);
        List<String> lines = Files.exists(cfg) ? new ArrayList<>(Files.readAllLines(cfg)) : new ArrayList<>();
        Pattern line = Pattern.compile("^#?\\s*" + Pattern.quote(key) + "\\s*=.*$");
        String entry = key + " = " + value;
        boolean replaced = false;
        for (int i = 0; i < lines.size() && !replaced; i++) {
            if (line.matcher(lines.get(i)).matches()) {
                lines.set(i, entry);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(entry);
        }
        Files.write(cfg, lines);
    }

    void writeConfig(String file, String content) throws IOException {
        Files.writeString(etc(file), content);
    }

    /** Starts Karaf with {@code bin/karaf server} (on the JDK running the tests) and waits until its console takes commands. */
    void start() throws IOException, InterruptedException {
        if (running()) {
            throw new IllegalStateException("Karaf already runs");
        }
        starts++;
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("karaf-" + starts + ".out").toFile());
        applyEnvironment(builder);
        process = builder.start().toHandle();
        awaitConsole();
    }

    /** Starts Karaf in the background with {@code bin/start}, as a user would, and waits until its console takes commands. */
    void startInBackground() throws IOException, InterruptedException {
        if (running()) {
            throw new IllegalStateException("Karaf already runs");
        }
        starts++;
        Path pidFile = home.resolve("karaf.pid");
        Files.deleteIfExists(pidFile);
        Map<String, String> withRedirect = new HashMap<>(environment);
        withRedirect.put("KARAF_REDIRECT", home.resolve("karaf-" + starts + ".out").toString());
        String printed = run(List.of(home.resolve("bin/start").toString()), withRedirect);
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bin/start started no Karaf (no karaf.pid): " + printed);
            }
            Thread.sleep(200);
        }
        process = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
                .orElseThrow(() -> new IllegalStateException("Karaf exited right after bin/start: " + printed));
        awaitConsole();
    }

    private void awaitConsole() throws InterruptedException {
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Karaf exited; see " + home.resolve("karaf-" + starts + ".out")
                        + " and " + home.resolve("data/log/karaf.log"));
            }
            try {
                execute("bundle:list -s io.deetune.plugin.lb");
                return;
            } catch (IllegalStateException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Karaf's console did not answer within " + BOOT.toSeconds() + " s; see "
                            + home.resolve("data/log/karaf.log"), notYet);
                }
                Thread.sleep(1000);
            }
        }
    }

    /** Runs a console command as the admin user through bin/client (SSH) and returns what it printed. */
    String execute(String command) {
        return run(List.of(home.resolve("bin/client").toString(), "-a", Integer.toString(sshPort), "-u", USER, "-p", password(), command),
                environment);
    }

    /** Stops Karaf with bin/stop, as an administrator would, and waits for the process to end. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            run(List.of(home.resolve("bin/stop").toString()), environment);
        } catch (IllegalStateException e) {
            process.destroy(); // SIGTERM: Karaf's shutdown hook stops the framework the same way
        }
        try {
            process.onExit().get(90, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("Karaf did not stop within 90 s");
        }
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    /**
     * Detaches a pipeline by deleting its cfg file while Karaf runs (the core then takes it out of the kernel), stops
     * Karaf, and removes the pin root the test gave the core.
     */
    static void tearDown(KarafProcess karaf, String pipelineCfg, Path pinRoot) throws IOException, InterruptedException {
        try {
            if (karaf != null && karaf.running()) {
                Files.deleteIfExists(karaf.etc(pipelineCfg)); // detaches
                Thread.sleep(2000);
            }
        } finally {
            if (karaf != null) {
                karaf.close();
            }
            deleteTree(pinRoot);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (running()) {
            try {
                stop();
            } finally {
                if (process.isAlive()) {
                    process.destroyForcibly();
                }
            }
        }
    }

    /** The one group of {@code pattern} in the output of {@code command}. */
    String find(String command, Pattern pattern) {
        String output = execute(command);
        Matcher matcher = pattern.matcher(output);
        if (!matcher.find()) {
            throw new AssertionError("'" + command + "' printed nothing like " + pattern + ":\n" + output);
        }
        return matcher.group(1);
    }

    /** What a command printed (standard output and error) and its exit code. */
    record Outcome(int exitCode, String output) {}

    /** Runs one of the distribution's scripts (or anything) with this Karaf's environment, whatever its exit code. */
    Outcome script(List<String> command) {
        return attempt(command, environment);
    }

    private static void applyEnvironment(ProcessBuilder builder, Map<String, String> environment) {
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
    }

    private void applyEnvironment(ProcessBuilder builder) {
        applyEnvironment(builder, environment);
    }

    private static String run(List<String> command, Map<String, String> environment) {
        Outcome outcome = attempt(command, environment);
        if (outcome.exitCode() != 0) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' exited with " + outcome.exitCode() + ": " + outcome.output());
        }
        return outcome.output();
    }

    private static Outcome attempt(List<String> command, Map<String, String> environment) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            applyEnvironment(builder, environment);
            // Standard input stays open while the command runs: bin/client ends the session at its end of input,
            // before the command printed anything ("Closed").
            Process p = builder.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            p.getOutputStream().close();
            return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Deletes a folder and everything below it (files, or pins in bpffs); nothing if it does not exist. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

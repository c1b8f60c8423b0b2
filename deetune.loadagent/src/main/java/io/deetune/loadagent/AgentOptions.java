package io.deetune.loadagent;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The agent's command line: {@code --port N --bind ADDRESS --interval MS --measure cpu|loadavg --cpus LIST
 * --min-percent N --drain-file PATH --help}, each value also as {@code --option=value}.
 *
 * @param port       the TCP port to answer on
 * @param bind       the local address to listen on ({@code 0.0.0.0}: every IPv4 address; {@code ::} every address)
 * @param interval   how often the load is measured
 * @param measure    what is measured
 * @param minPercent the least percentage answered
 * @param drainFile  the file whose existence means drain, or null
 * @param help       whether only the usage was asked for
 * @param cpus       the CPUs {@code cpu} measures; empty: all
 */
record AgentOptions(int port, InetAddress bind, Duration interval, Measure measure, int minPercent, Path drainFile,
        boolean help, Set<Integer> cpus) {

    AgentOptions(int port, InetAddress bind, Duration interval, Measure measure, int minPercent, Path drainFile, boolean help) {
        this(port, bind, interval, measure, minPercent, drainFile, help, Set.of());
    }

    static final int DEFAULT_PORT = 9777;
    static final long MIN_INTERVAL_MS = 100;
    static final long MAX_INTERVAL_MS = 600_000;

    static final String USAGE = String.join("\n",
            "Usage: deetune-load-agent [options]",
            "Answers each TCP connection with one line, the share of this server's weight a load balancer should use",
            "(HAProxy's agent-check format, e.g. '75% ready'), then closes it.",
            "  --port N           TCP port to listen on, 1..65535 (default " + DEFAULT_PORT + ")",
            "  --bind ADDRESS     local address to listen on (default 0.0.0.0; :: for IPv6 and IPv4)",
            "  --interval MS      how often to measure the load, " + MIN_INTERVAL_MS + ".." + MAX_INTERVAL_MS
                    + " ms (default 1000)",
            "  --measure KIND     cpu: busy share of the CPUs over the last interval (/proc/stat, default);",
            "                     loadavg: 1-minute load average per CPU, at most 1 (/proc/loadavg)",
            "  --cpus LIST        with cpu: only these CPUs, e.g. 2,3 or 0-3 (a server pinned to a cpuset; default all)",
            "  --min-percent N    least percentage answered, 0..100 (default 10), so a loaded server keeps a share",
            "  --drain-file PATH  answer 'drain' instead of 'ready' while this file exists",
            "  --help             print this and exit",
            "");

    /** What the agent measures. */
    enum Measure {
        CPU, LOADAVG
    }

    /** The options of a command line, every one not given at its default; a later occurrence of an option wins. */
    static AgentOptions parse(String... args) throws UsageException {
        int port = DEFAULT_PORT;
        InetAddress bind = address("--bind", "0.0.0.0");
        Duration interval = Duration.ofSeconds(1);
        Measure measure = Measure.CPU;
        int minPercent = 10;
        Path drainFile = null;
        boolean help = false;
        Set<Integer> cpus = Set.of();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            if (name.equals("--help") || name.equals("-h")) {
                if (value != null) {
                    throw new UsageException(name + " takes no value");
                }
                help = true;
                continue;
            }
            if (!OPTIONS_WITH_VALUE.contains(name)) {
                throw new UsageException(arg.startsWith("-") ? "unknown option '" + name + "'"
                        : "unexpected argument '" + arg + "' (every setting is an option, see --help)");
            }
            if (value == null) {
                if (i + 1 == args.length) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--port":
                    port = (int) number(name, value, 1, 65535);
                    break;
                case "--bind":
                    bind = address(name, value);
                    break;
                case "--interval":
                    interval = Duration.ofMillis(number(name, value, MIN_INTERVAL_MS, MAX_INTERVAL_MS));
                    break;
                case "--measure":
                    measure = measure(name, value);
                    break;
                case "--min-percent":
                    minPercent = (int) number(name, value, 0, 100);
                    break;
                case "--drain-file":
                    drainFile = path(name, value);
                    break;
                case "--cpus":
                    cpus = cpus(name, value);
                    break;
                default:
                    throw new AssertionError(name);
            }
        }
        return new AgentOptions(port, bind, interval, measure, minPercent, drainFile, help, cpus);
    }

    private static final List<String> OPTIONS_WITH_VALUE =
            List.of("--port", "--bind", "--interval", "--measure", "--min-percent", "--drain-file", "--cpus");

    private static long number(String option, String value, long min, long max) throws UsageException {
        long number;
        try {
            number = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " '" + value + "' is not a whole number");
        }
        if (number < min || number > max) {
            throw new UsageException(option + " " + number + " is outside " + min + ".." + max);
        }
        return number;
    }

    /** A literal address ({@code ::}, {@code [::1]}, {@code 10.0.0.2}) or a host name this host resolves. */
    private static InetAddress address(String option, String value) throws UsageException {
        String host = value.trim();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new UsageException(option + " needs an address (0.0.0.0 for every IPv4 address, :: for all)");
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UsageException(option + " '" + value + "' is not an address or a known host name");
        }
    }

    /** {@code 2,3} or {@code 0-3,6}: CPU numbers 0..4095. */
    private static Set<Integer> cpus(String option, String value) throws UsageException {
        Set<Integer> cpus = new java.util.TreeSet<>();
        for (String part : value.trim().split(",")) {
            String[] range = part.trim().split("-", -1);
            if (range.length > 2) {
                throw new UsageException(option + " '" + value + "' is not a CPU list (e.g. 2,3 or 0-3)");
            }
            long from = number(option, range[0], 0, 4095);
            long to = range.length == 2 ? number(option, range[1], from, 4095) : from;
            for (long cpu = from; cpu <= to; cpu++) {
                cpus.add((int) cpu);
            }
        }
        return Set.copyOf(cpus);
    }

    private static Measure measure(String option, String value) throws UsageException {
        try {
            return Measure.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " '" + value + "' is neither cpu nor loadavg");
        }
    }

    private static Path path(String option, String value) throws UsageException {
        if (value.isEmpty()) {
            throw new UsageException(option + " needs a path");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException(option + " '" + value + "' is not a path: " + e.getReason());
        }
    }
}

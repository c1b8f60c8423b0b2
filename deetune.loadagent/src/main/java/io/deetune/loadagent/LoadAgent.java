package io.deetune.loadagent;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * The load agent a backend server runs: measures the host's load and answers every TCP connection on its port with
 * the share of the server's weight a load balancer should use, in HAProxy's agent-check format
 * ({@code "75% ready\n"}), then closes the connection.
 *
 * <p>Exit status: 2 for a bad command line (the reason and the usage on stderr), 1 when the agent cannot start
 * (port taken, no {@code /proc}); otherwise it runs until stopped.
 */
public final class LoadAgent implements AutoCloseable {

    static final int EXIT_USAGE = 2;
    static final int EXIT_CANNOT_START = 1;

    private final PeriodicSampler sampler;
    private final AgentServer server;

    private LoadAgent(PeriodicSampler sampler, AgentServer server) {
        this.sampler = sampler;
        this.server = server;
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Parses {@code args} and starts the agent, which then runs on threads of its own until the JVM stops.
     *
     * @return 0 when the agent runs (or only the usage was asked for), else the exit status
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        AgentOptions options;
        try {
            options = AgentOptions.parse(args);
        } catch (UsageException e) {
            err.println("deetune-load-agent: " + e.getMessage());
            err.print(AgentOptions.USAGE);
            return EXIT_USAGE;
        }
        if (options.help()) {
            out.print(AgentOptions.USAGE);
            return 0;
        }
        LoadAgent agent;
        try {
            agent = start(options, out, err);
        } catch (IOException e) {
            err.println("deetune-load-agent: " + e.getMessage());
            return EXIT_CANNOT_START;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "deetune-load-agent-stop"));
        return 0;
    }

    /**
     * Starts measuring and answering as {@code options} say (port 0: any free port, see {@link #port()}); says on
     * {@code out} where and what it answers, on {@code err} what goes wrong later.
     *
     * @throws IOException when the load cannot be read or the address cannot be listened on
     */
    static LoadAgent start(AgentOptions options, PrintStream out, PrintStream err) throws IOException {
        LoadMeasure measure = options.measure() == AgentOptions.Measure.LOADAVG
                ? new LoadAverage(LoadAverage.PROC_LOADAVG, Runtime.getRuntime()::availableProcessors)
                : new CpuSampler(CpuSampler.PROC_STAT, options.cpus());
        PeriodicSampler sampler = new PeriodicSampler(measure, options.interval(), err);
        try {
            sampler.start();
        } catch (IOException e) {
            sampler.close();
            throw new IOException("cannot read " + measure.describe() + ": " + e.getMessage(), e);
        }
        AgentAnswer answer = new AgentAnswer(options.minPercent(), options.drainFile());
        InetSocketAddress address = new InetSocketAddress(options.bind(), options.port());
        AgentServer server;
        try {
            server = AgentServer.start(address, () -> answer.line(sampler.busyShare()), err);
        } catch (IOException e) {
            sampler.close();
            throw new IOException("cannot listen on " + describe(address) + ": " + e.getMessage(), e);
        }
        out.println("deetune-load-agent: answering on " + describe(new InetSocketAddress(options.bind(), server.port()))
                + ", measuring " + measure.describe() + " every " + options.interval().toMillis() + " ms, at least "
                + options.minPercent() + "%"
                + (options.drainFile() == null ? "" : ", drain while " + options.drainFile() + " exists")
                + "; now: " + answer.line(sampler.busyShare()).trim());
        return new LoadAgent(sampler, server);
    }

    /** The port answered on. */
    int port() {
        return server.port();
    }

    /** {@code 10.0.1.2:9777}, {@code [::]:9777}: the address as an operator would write it. */
    static String describe(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        if (!(address.getAddress() instanceof Inet6Address)) {
            return host + ":" + address.getPort();
        }
        // getHostAddress writes every group (0:0:0:0:0:0:0:0); the first run of zero groups becomes "::".
        return "[" + host.replaceFirst("(^|:)0(:0)+(:|$)", "::") + "]:" + address.getPort();
    }

    /** Stops answering and measuring. */
    @Override
    public void close() {
        server.close();
        sampler.close();
    }
}

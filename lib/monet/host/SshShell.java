package monet.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import monet.MonetException;
import monet.console.Secrets;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.process.Shell;

/**
 * {@link RemoteShell} over the system's {@code ssh} client ({@code --via ssh}, for when SSM is
 * down). It runs {@code timeout ... SECONDS sh -s} on the host and sends the script (and any
 * secrets) on stdin, so nothing user-supplied is ever on either machine's command line, and the
 * command's timeout stops it on the host, not only the local client. {@code BatchMode=yes}: it
 * never prompts; a key the agent or {@code ssh.key} provides must work. Exit code 255 with ssh's
 * own error is a transport failure; {@code timeout}'s 124 after the timeout is a
 * {@link MonetException}; any other code is the script's.
 */
public final class SshShell implements RemoteShell {
    /** What {@code timeout} exits with when the time is up. */
    static final int TIMED_OUT = 124;
    /** After the host's {@code timeout} sent SIGTERM, how long until SIGKILL. */
    static final Duration KILL_AFTER = Duration.ofSeconds(5);
    /** The local ssh client's extra time, past the host's timeout and kill. */
    static final Duration LOCAL_GRACE = Duration.ofSeconds(30);
    private final Supplier<String> host;
    private final String unresolved;
    private final String user;
    private final Path key;
    private final int port;
    private final List<String> extraOptions;
    private String resolvedHost;

    /**
     * @param host         the address, looked up on first use
     * @param unresolved   how to name it before the lookup
     * @param user         login user
     * @param key          private key file (null: ssh's defaults and agent)
     * @param port         port
     * @param extraOptions more ssh options ("-o", "UserKnownHostsFile=...")
     */
    public SshShell(Supplier<String> host, String unresolved, String user, Path key, int port, List<String> extraOptions) {
        this.host = host;
        this.unresolved = unresolved;
        this.user = user;
        this.key = key;
        this.port = port;
        this.extraOptions = List.copyOf(extraOptions);
    }

    /** Splits {@code ssh.options} on whitespace. */
    static List<String> options(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.strip().split("\\s+"));
    }

    private synchronized String host() {
        if (resolvedHost == null) {
            resolvedHost = host.get();
            if (resolvedHost.isBlank() || resolvedHost.startsWith("-")) {
                throw new MonetException("no usable SSH address for " + unresolved + " (set ssh.host, or give the instance a public IP)");
            }
        }
        return resolvedHost;
    }

    @Override
    public String target() {
        return user + "@" + (resolvedHost == null ? unresolved : resolvedHost) + " (SSH)";
    }

    /** The ssh command line without a remote command: an interactive session ({@code remote ssh}). */
    public Cmd session() {
        return Cmd.of(argv(null));
    }

    /** The session's command line, for --dry-run, without looking anything up. */
    public String sessionPreview() {
        return Shell.join(argvFor(resolvedHost == null ? "<" + unresolved + ">" : resolvedHost, null));
    }

    private List<String> argv(Duration timeout) {
        return argvFor(host(), timeout);
    }

    /**
     * The ssh command line: with a timeout, the script runs on the host under {@code timeout},
     * which stops it and everything it started there when the time is up (killing the local ssh
     * client alone would leave them running); without one, an interactive session.
     */
    private List<String> argvFor(String address, Duration timeout) {
        boolean script = timeout != null;
        List<String> argv = new ArrayList<>(List.of("ssh"));
        if (key != null) {
            argv.addAll(List.of("-i", key.toString()));
        }
        argv.addAll(List.of("-p", String.valueOf(port), "-o", "BatchMode=" + (script ? "yes" : "no"),
                "-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=15"));
        argv.addAll(extraOptions);
        if (script) {
            argv.add("-T");
        }
        argv.add(user + "@" + address);
        if (script) {
            argv.addAll(List.of("timeout", "-s", "TERM", "-k", String.valueOf(KILL_AFTER.toSeconds()),
                    String.valueOf(timeout.toSeconds()), "sh", "-s"));
        }
        return argv;
    }

    @Override
    public String preview(RemoteCommand command) {
        String address = resolvedHost == null ? "<" + unresolved + ">" : resolvedHost;
        return "# " + Shell.join(argvFor(address, command.timeout())) + "   with this script on stdin:\n"
                + Secrets.mask(command.stdinScript());
    }

    @Override
    public RemoteResult run(RemoteCommand command) {
        CmdResult result = Cmd.of(argv(command.timeout()))
                .stdin(command.stdinScript())
                // the host's timeout stops the command; this one only guards against a connection that hangs
                .timeout(command.timeout().plus(KILL_AFTER).plus(LOCAL_GRACE))
                .onStdout(command.stdout())
                .onStderr(command.stderr())
                .nothrow()
                .run();
        if (result.exitCode() == 255 && sshFailed(result.stderr())) {
            throw new MonetException("'" + command.description() + "' could not reach " + target() + ": "
                    + result.stderr().strip());
        }
        if (result.exitCode() == TIMED_OUT && result.duration().compareTo(command.timeout()) >= 0) {
            throw new MonetException("'" + command.description() + "' on " + target() + " ran longer than its timeout of "
                    + command.timeout().toSeconds() + " s and was stopped on the server (raise it with --timeout)"
                    + (result.stderr().isBlank() ? "" : "\n" + result.stderr().strip()));
        }
        return new RemoteResult(result.exitCode(), result.stdout(), result.stderr());
    }

    private static boolean sshFailed(String stderr) {
        String text = stderr.strip();
        return text.contains("ssh: ") || text.contains("Permission denied (") || text.contains("Host key verification failed")
                || text.contains("Connection closed") || text.contains("Connection refused") || text.contains("kex_exchange");
    }
}

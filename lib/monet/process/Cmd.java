package monet.process;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import monet.console.Console;
import monet.console.Secrets;
import monet.text.Tail;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;
import org.zeroturnaround.exec.StartedProcess;

/**
 * A local command, built fluently and run with {@link #run()}.
 *
 * <pre>{@code
 * CmdResult r = Cmd.of("git", "rev-parse", "HEAD").dir(repo).run();
 * Cmd.shell("npm ci && npm run build").dir(web).timeout(Duration.ofMinutes(10)).onStderr(console::info).run();
 * }</pre>
 *
 * <p>Arguments are a list and are never re-parsed by a shell; {@link #shell(String)} is the one,
 * explicit, way to ask for {@code /bin/sh -c}. stdout and stderr are kept apart. A non-zero
 * exit code is a failure unless {@link #nothrow()}. A timeout kills the whole process tree. A
 * Cmd never changes: every chaining method returns a new one, so one can be shared and varied.
 */
public final class Cmd {
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Cmd::killTree), "monet-kill-children"));
    }

    private final List<String> argv;
    private final String display;
    // Set only on a fresh copy, before it is returned (see with): a Cmd never changes once seen.
    private Path dir;
    private Map<String, String> env = Map.of();
    private Set<String> secretEnvNames = Set.of();
    private byte[] stdin;
    private Duration timeout = Duration.ZERO;
    private boolean nothrow;
    private Consumer<String> stdoutLines;
    private Consumer<String> stderrLines;

    private Cmd(List<String> argv, String display) {
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new IllegalArgumentException("a command needs a program to run");
        }
        this.argv = List.copyOf(argv);
        this.display = display;
    }

    private Cmd(Cmd other) {
        this.argv = other.argv;
        this.display = other.display;
        this.dir = other.dir;
        this.env = other.env;
        this.secretEnvNames = other.secretEnvNames;
        this.stdin = other.stdin;
        this.timeout = other.timeout;
        this.nothrow = other.nothrow;
        this.stdoutLines = other.stdoutLines;
        this.stderrLines = other.stderrLines;
    }

    /** A copy of this command with one change. */
    private Cmd with(Consumer<Cmd> change) {
        Cmd copy = new Cmd(this);
        change.accept(copy);
        return copy;
    }

    /** A program and its arguments, passed as they are (no shell). */
    public static Cmd of(String program, String... arguments) {
        List<String> all = new ArrayList<>();
        all.add(program);
        all.addAll(Arrays.asList(arguments));
        return new Cmd(all, null);
    }

    /** A program and its arguments, passed as they are (no shell). */
    public static Cmd of(List<String> argv) {
        return new Cmd(argv, null);
    }

    /** A script for {@code /bin/sh -c}: the explicit shell form. */
    public static Cmd shell(String script) {
        return new Cmd(List.of("/bin/sh", "-c", script), "sh -c " + Shell.quote(script));
    }

    /** Working directory. Default: the current one. */
    public Cmd dir(Path directory) {
        return with(c -> c.dir = directory);
    }

    /** Adds an environment variable; the rest of the environment is inherited. */
    public Cmd env(String name, String value) {
        return env(Map.of(name, value));
    }

    /** Adds these environment variables; the rest of the environment is inherited. */
    public Cmd env(Map<String, String> variables) {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.putAll(variables);
        return with(c -> c.env = Collections.unmodifiableMap(all));
    }

    /** Adds an environment variable whose value is a secret: registered, never shown. */
    public Cmd secretEnv(String name, String value) {
        Secrets.register(value);
        Set<String> secret = new TreeSet<>(secretEnvNames);
        secret.add(name);
        Cmd withValue = env(name, value);
        return withValue.with(c -> c.secretEnvNames = Collections.unmodifiableSet(secret));
    }

    /** Text fed to stdin (UTF-8). Default: empty stdin. */
    public Cmd stdin(String text) {
        return stdin(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Bytes fed to stdin. Default: empty stdin. */
    public Cmd stdin(byte[] bytes) {
        byte[] copy = bytes.clone();
        return with(c -> c.stdin = copy);
    }

    /** Kills the command and all its descendants after this long. Default: {@link Duration#ZERO}, no limit. */
    public Cmd timeout(Duration limit) {
        return with(c -> c.timeout = limit);
    }

    /** The timeout, {@link Duration#ZERO} when there is none. */
    Duration timeout() {
        return timeout;
    }

    /** Never throw for the exit code (a timeout or a failure to start still throws). Default: off. */
    public Cmd nothrow() {
        return with(c -> c.nothrow = true);
    }

    /** Calls back with each stdout line as it arrives (masked), besides capturing it. */
    public Cmd onStdout(Consumer<String> lines) {
        return with(c -> c.stdoutLines = lines);
    }

    /** Calls back with each stderr line as it arrives (masked), besides capturing it. */
    public Cmd onStderr(Consumer<String> lines) {
        return with(c -> c.stderrLines = lines);
    }

    /** The command as a person would type it, secret environment values masked. */
    public String render() {
        String prefix = env.entrySet().stream()
                .map(e -> e.getKey() + "=" + (secretEnvNames.contains(e.getKey()) ? Secrets.MASK : Shell.quote(e.getValue())))
                .collect(Collectors.joining(" "));
        String command = display != null ? display : Shell.join(argv);
        return Secrets.mask(prefix.isEmpty() ? command : prefix + " " + command);
    }

    @Override
    public String toString() {
        return render();
    }

    /**
     * Runs the command and waits for it.
     *
     * @throws CmdException when it cannot start, times out, or exits with a code other than 0
     *                      (unless {@link #nothrow()})
     */
    public CmdResult run() {
        LineCollector out = new LineCollector(stdoutLines);
        LineCollector err = new LineCollector(stderrLines);
        ProcessExecutor executor = new ProcessExecutor(argv)
                .redirectOutput(out)
                .redirectError(err)
                .redirectInput(new ByteArrayInputStream(stdin == null ? new byte[0] : stdin))
                .exitValueAny();
        if (dir != null) {
            executor.directory(dir.toFile());
        }
        executor.environment(env);
        long started = System.nanoTime();
        StartedProcess process;
        try {
            process = executor.start();
        } catch (IOException e) {
            throw new CmdException("cannot start `" + render() + "`" + where() + ": " + e.getMessage(), e);
        }
        Process handle = process.getProcess();
        RUNNING.add(handle);
        try {
            int exit = await(process.getFuture(), handle);
            CmdResult result = new CmdResult(render(), exit, out.text(), err.text(),
                    Duration.ofNanos(System.nanoTime() - started));
            if (!nothrow && exit != 0) {
                throw new CmdException("`" + render() + "`" + where() + " exited with " + exit + " (allowed: [0])"
                        + Tail.of(result.stdout(), result.stderr()), null);
            }
            return result;
        } catch (TimeoutException e) {
            throw new CmdException("`" + render() + "`" + where() + " timed out after " + Console.formatDuration(timeout)
                    + " and was killed with its child processes" + Tail.of(out.text(), err.text()), e);
        } finally {
            RUNNING.remove(handle);
        }
    }

    private int await(Future<ProcessResult> future, Process handle) throws TimeoutException {
        try {
            if (timeout.isZero() || timeout.isNegative()) {
                return future.get().getExitValue();
            }
            try {
                return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS).getExitValue();
            } catch (TimeoutException e) {
                killTree(handle);
                try {
                    future.get(2, TimeUnit.SECONDS);
                } catch (TimeoutException | ExecutionException ignored) {
                    // an orphan may still hold the pipes; what was read so far is enough
                }
                throw e;
            }
        } catch (InterruptedException e) {
            killTree(handle);
            Thread.currentThread().interrupt();
            throw new CmdException("`" + render() + "` was interrupted and killed", e);
        } catch (ExecutionException e) {
            throw new CmdException("`" + render() + "`" + where() + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Kills a process and every descendant: SIGTERM, then SIGKILL to whatever is left after a second. */
    static void killTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.toHandle().descendants().collect(Collectors.toList()));
        tree.add(0, process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (ProcessHandle handle : tree) {
            while (handle.isAlive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private String where() {
        return dir == null ? "" : " in " + dir;
    }

    /** Captures a stream whole and, when asked, passes each complete line on as it arrives. */
    private static final class LineCollector extends OutputStream {
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final Consumer<String> lines;

        LineCollector(Consumer<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            all.write(b);
            if (lines != null) {
                if (b == '\n') {
                    flushLine();
                } else {
                    line.write(b);
                }
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void close() {
            if (lines != null && line.size() > 0) {
                flushLine();
            }
        }

        private void flushLine() {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            lines.accept(Secrets.mask(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text));
        }

        synchronized String text() {
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    /** Runs a command with this process's terminal (an SSH session, a shell): returns its exit code. */
    public int runInteractive() {
        ProcessBuilder builder = new ProcessBuilder(argv).inheritIO();
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            RUNNING.add(process);
            try {
                return process.waitFor();
            } finally {
                RUNNING.remove(process);
            }
        } catch (IOException e) {
            throw new CmdException("cannot start `" + render() + "`: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CmdException("`" + render() + "` was interrupted", e);
        }
    }
}

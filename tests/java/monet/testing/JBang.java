package monet.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import monet.process.Cmd;
import monet.process.CmdResult;

/**
 * Runs the real {@code ./jbang} launcher on the real scripts, as a user would. All tests share
 * one JBang home under {@code target/} (so each script compiles once per build) unless a test
 * asks for its own, empty one.
 *
 * <pre>{@code
 * CmdResult r = JBang.run("changelog", "lint", file.toString()).env("NO_COLOR", "1").call();
 * }</pre>
 */
public final class JBang {
    private final List<String> args;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path dir = Repo.root();
    private Path jbangHome = sharedHome();
    private String stdin = "";
    private Duration timeout = Duration.ofMinutes(5);

    private JBang(List<String> args) {
        this.args = args;
    }

    /** {@code ./jbang ARGS...}, from the repository root. */
    public static JBang run(String... args) {
        return new JBang(List.of(args));
    }

    /** The JBang home shared by the whole test run. */
    public static Path sharedHome() {
        Path home = Repo.file("target/jbang-home");
        try {
            Files.createDirectories(home);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return home;
    }

    /** Working directory. Default: the repository root. */
    public JBang in(Path directory) {
        this.dir = directory;
        return this;
    }

    /** An environment variable for the run. */
    public JBang env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Environment variables for the run. */
    public JBang env(Map<String, String> values) {
        env.putAll(values);
        return this;
    }

    /** Use this JBang home (JBANG_DIR) instead of the shared one. */
    public JBang home(Path directory) {
        this.jbangHome = directory;
        return this;
    }

    /** stdin for the script. */
    public JBang stdin(String text) {
        this.stdin = text;
        return this;
    }

    public JBang timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }

    /** Runs it and returns the result, whatever the exit code. */
    public CmdResult call() {
        return Cmd.of(argv()).dir(dir).stdin(stdin).timeout(timeout).nothrow().env(environment()).run();
    }

    /**
     * Starts it in the background (stdout and stderr to files in {@code outputDir}), as a user
     * starts a long-running command they will interrupt: {@code logs --follow}, or a command to Ctrl-C.
     */
    public Running start(Path outputDir) {
        try {
            Files.createDirectories(outputDir);
            Path out = Files.createTempFile(outputDir, "stdout", ".txt");
            Path err = Files.createTempFile(outputDir, "stderr", ".txt");
            Path in = Files.createTempFile(outputDir, "stdin", ".txt");
            Files.writeString(in, stdin);
            ProcessBuilder builder = new ProcessBuilder(argv()).directory(dir.toFile())
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            environment().forEach((name, value) -> builder.environment().put(name, value));
            return new Running(builder.start(), out, err);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot start ./jbang " + String.join(" ", args), e);
        }
    }

    private List<String> argv() {
        List<String> argv = new ArrayList<>();
        argv.add(Repo.file("jbang").toString());
        argv.addAll(args);
        return argv;
    }

    private Map<String, String> environment() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("JBANG_DIR", jbangHome.toString());
        all.put("MONET_CONSOLE", "plain");
        all.put("NO_COLOR", "1");
        // A developer's own settings must not leak into the tests.
        all.putAll(Map.of("GITHUB_ACTIONS", "", "GITHUB_OUTPUT", "", "GITHUB_STEP_SUMMARY", ""));
        all.putAll(env);
        return all;
    }

    /** A script running in the background. The launcher execs the script's JVM, so the pid ends up being the script's. */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final Path err;

        Running(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        public long pid() {
            return process.pid();
        }

        public String stdout() {
            return read(out);
        }

        public String stderr() {
            return read(err);
        }

        private static String read(Path file) {
            try {
                return Files.readString(file);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Sends a signal ("INT" as Ctrl-C does, "TERM" as kill does) to the process. */
        public void signal(String name) {
            Cmd.of("kill", "-" + name, String.valueOf(process.pid())).nothrow().run();
        }

        /**
         * SIGKILL to the script and every process it started (the host script's sh, the docker
         * and aws CLIs), as a machine that loses power or an agent that kills the command does:
         * nothing of it can clean up.
         */
        public void killTree() {
            List<ProcessHandle> all = new ArrayList<>(process.toHandle().descendants().toList());
            all.add(0, process.toHandle());
            all.forEach(ProcessHandle::destroyForcibly);
            // Children forked while the first ones were being killed.
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            waitFor(Duration.ofSeconds(30));
        }

        /** Waits until stdout contains the text. */
        public void awaitStdout(String text, Duration limit) {
            long deadline = System.nanoTime() + limit.toNanos();
            while (!stdout().contains(text)) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new AssertionError("stdout never showed " + text + (process.isAlive() ? "" : " (the process ended)")
                            + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
                }
                sleep(100);
            }
        }

        /** Waits for the exit code. */
        public int waitFor(Duration limit) {
            try {
                if (!process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("still running after " + limit + "\nstderr:\n" + stderr());
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** Kills whatever is left (the test failed). */
        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}

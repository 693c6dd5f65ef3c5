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
        List<String> argv = new ArrayList<>();
        argv.add(Repo.file("jbang").toString());
        argv.addAll(args);
        Cmd cmd = Cmd.of(argv).dir(dir).stdin(stdin).timeout(timeout).nothrow()
                .env("JBANG_DIR", jbangHome.toString())
                .env("MONET_CONSOLE", "plain")
                .env("NO_COLOR", "1");
        // A developer's own settings must not leak into the tests.
        cmd.env("GITHUB_ACTIONS", "").env("GITHUB_OUTPUT", "").env("GITHUB_STEP_SUMMARY", "");
        env.forEach(cmd::env);
        return cmd.run();
    }
}

package monet.release;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import monet.MonetException;
import monet.console.Console;
import monet.host.HostScript;
import monet.host.HostScripts;
import monet.host.RemoteShell;
import monet.host.RemoteShell.RemoteCommand;
import monet.host.RemoteShell.RemoteResult;
import monet.text.Tail;

/** Runs host scripts on the instance for a release and turns their endings into results or clear failures. */
final class Host {
    private final ReleaseContext ctx;
    /** The shared files a dry run has printed already: each is shown once. */
    private final Set<String> printed = new HashSet<>();

    Host(ReleaseContext ctx) {
        this.ctx = ctx;
    }

    /** What a dry run prints for a host script: exactly what is sent, each shared file once per run. */
    synchronized String describe(String what, HostScript script) {
        return what + ", on " + ctx.host().description() + ", as this sh script:\n"
                + script.preview(printed).lines().map(line -> "       | " + line).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /**
     * Runs the script; its output lines are shown as they come.
     *
     * @return its stdout's {@code key=value} words (the scripts end with one such line)
     * @throws MonetException when the lock is held or the script fails, with its stderr
     */
    Map<String, String> run(String what, HostScript script, Duration timeout) {
        Console console = ctx.console();
        return words(exec(what, script, timeout, line -> console.info("  " + line)).stdout());
    }

    /** Runs a short script whose stdout is the answer (status, lock, unlock). */
    String runForOutput(String what, HostScript script) {
        return exec(what, script, Duration.ofMinutes(2), line -> {}).stdout();
    }

    private RemoteResult exec(String what, HostScript script, Duration timeout, Consumer<String> lines) {
        RemoteShell shell = ctx.host().shell().get();
        RemoteResult result = shell.run(RemoteCommand.of(what, script.text(), ctx.hostTimeout(timeout)).streaming(lines, lines));
        if (result.exitCode() == HostScripts.LOCK_HELD) {
            throw new MonetException(what + " on " + shell.target() + " refused: " + result.stderr().strip()
                    + " (wait for it, or break a stale lock with 'release unlock --force')");
        }
        if (!result.ok()) {
            throw new MonetException(what + " failed on " + shell.target() + " (exit " + result.exitCode() + ")"
                    + Tail.of(result.stdout(), result.stderr()));
        }
        return result;
    }

    /** The {@code key=value} words of the last line that has any. */
    static Map<String, String> words(String stdout) {
        Map<String, String> words = new LinkedHashMap<>();
        for (String line : stdout.lines().toList()) {
            for (String word : line.trim().split("\\s+")) {
                int eq = word.indexOf('=');
                if (eq > 0) {
                    words.put(word.substring(0, eq), word.substring(eq + 1));
                }
            }
        }
        return words;
    }
}

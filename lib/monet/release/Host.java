package monet.release;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import monet.MonetException;
import monet.console.Console;
import monet.remote.RemoteShell;
import monet.remote.RemoteShell.RemoteCommand;
import monet.remote.RemoteShell.RemoteResult;

/** Runs {@link HostScripts} on the instance and turns their endings into results or clear failures. */
final class Host {
    private final ReleaseContext ctx;

    Host(ReleaseContext ctx) {
        this.ctx = ctx;
    }

    /** What a dry run prints for a host script. */
    String describe(String what, String script) {
        return what + ", on " + ctx.host().description() + ", as this sh script:\n"
                + script.lines().map(line -> "       | " + line).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /**
     * Runs the script; its output lines are shown as they come.
     *
     * @return its stdout's {@code key=value} words (the scripts end with one such line)
     * @throws MonetException when the lock is held or the script fails, with its stderr
     */
    Map<String, String> run(String what, String script, Duration timeout) {
        Console console = ctx.console();
        return words(exec(what, script, timeout, line -> console.info("  " + line)).stdout());
    }

    /** Runs a short script whose stdout is the answer (status, lock, unlock). */
    String runForOutput(String what, String script) {
        return exec(what, script, Duration.ofMinutes(2), line -> {}).stdout();
    }

    private RemoteResult exec(String what, String script, Duration timeout, Consumer<String> lines) {
        RemoteShell shell = ctx.host().shell().get();
        RemoteResult result = shell.run(RemoteCommand.of(what, script, timeout).streaming(lines, lines));
        if (result.exitCode() == HostScripts.LOCK_HELD) {
            throw new MonetException(what + " on " + shell.target() + " refused: " + result.stderr().strip()
                    + " (wait for it, or break a stale lock with 'release unlock --force')");
        }
        if (!result.ok()) {
            throw new MonetException(what + " failed on " + shell.target() + " (exit " + result.exitCode() + ")"
                    + tail(result.stderr().isBlank() ? result.stdout() : result.stderr()));
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

    private static String tail(String output) {
        var lines = output.strip().lines().toList();
        if (lines.isEmpty()) {
            return "";
        }
        return ":\n  | " + String.join("\n  | ", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}

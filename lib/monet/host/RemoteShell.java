package monet.host;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import monet.console.Secrets;
import monet.process.Shell;

/**
 * Somewhere a POSIX shell script can run: the instance through SSM or SSH, or this machine.
 * Every transport behaves the same: the script runs with {@code sh}, the result carries its
 * exit code and complete output, and a transport failure (undeliverable, timed out, cancelled)
 * is a {@link monet.MonetException} that says which.
 */
public interface RemoteShell {
    /** Where commands run, for messages: "i-0abc (SSM)", "ec2-user@203.0.113.7 (SSH)", "this machine". */
    String target();

    /** Runs the command and waits for it to end. */
    RemoteResult run(RemoteCommand command);

    /**
     * What this transport would send for the command, exactly (the script, the request, the
     * command line), with secrets masked: what {@code --dry-run} prints. Contacts nothing.
     */
    default String preview(RemoteCommand command) {
        return "# on " + target() + "\n" + command.script();
    }

    /**
     * What to run.
     *
     * @param description what it does, for progress and errors ("restart drawing-agent")
     * @param script      a POSIX sh script; put user text in it only through {@link monet.process.Shell#quote}
     * @param timeout     how long it may run: 1 s to 48 h (AWS-RunShellScript's limit, on every transport)
     * @param stdout      called with each stdout line as it becomes available (may be all at the end)
     * @param stderr      called with each stderr line as it becomes available
     * @param secrets     shell variables the script reads ({@code "$NAME"}) whose values are secret: each
     *                    transport delivers them without putting them in command parameters, process
     *                    arguments or logs (SSM: a short-lived SecureString parameter the instance
     *                    reads and deletes; SSH and local: the script's stdin)
     */
    record RemoteCommand(String description, String script, Duration timeout,
                         Consumer<String> stdout, Consumer<String> stderr, Map<String, String> secrets) {
        public RemoteCommand {
            if (timeout.toSeconds() < 1 || timeout.toSeconds() > SsmShell.MAX_EXECUTION_SECONDS) {
                throw new IllegalArgumentException("a command's timeout must be 1 to " + SsmShell.MAX_EXECUTION_SECONDS
                        + " seconds, got " + timeout.toSeconds() + " s: " + description);
            }
            for (String name : secrets.keySet()) {
                if (!name.matches("[A-Z_][A-Z0-9_]*")) {
                    throw new IllegalArgumentException("a secret's variable name must be [A-Z_][A-Z0-9_]*: " + name);
                }
            }
            secrets = Map.copyOf(secrets);
        }

        /** A command without secrets. */
        RemoteCommand(String description, String script, Duration timeout,
                             Consumer<String> stdout, Consumer<String> stderr) {
            this(description, script, timeout, stdout, stderr, Map.of());
        }

        /** A command whose output is only collected. */
        public static RemoteCommand of(String description, String script, Duration timeout) {
            return new RemoteCommand(description, script, timeout, line -> {}, line -> {});
        }

        /** The same command, streaming its output to the given consumers. */
        public RemoteCommand streaming(Consumer<String> out, Consumer<String> err) {
            return new RemoteCommand(description, script, timeout, out, err, secrets);
        }

        /** The same command with one more secret variable (registered for masking). */
        public RemoteCommand withSecret(String name, String value) {
            Secrets.register(value);
            Map<String, String> all = new LinkedHashMap<>(secrets);
            all.put(name, value);
            return new RemoteCommand(description, script, timeout, stdout, stderr, all);
        }

        /**
         * The script as sent on a shell's stdin ({@code sh -s}) by the SSH and local transports:
         * its secrets assigned at the top (stdin is a private channel, never a process argument),
         * then the script as one group reading from {@code /dev/null}, so that nothing it runs
         * can swallow the rest of the script from stdin.
         */
        String stdinScript() {
            StringBuilder text = new StringBuilder();
            new TreeMap<>(secrets).forEach((name, value) -> text.append(name).append('=').append(Shell.quote(value)).append('\n'));
            return text.append("{\n").append(script).append(script.endsWith("\n") ? "" : "\n").append("} </dev/null\n").toString();
        }
    }

    /**
     * How it ended.
     *
     * @param exitCode the script's exit code
     * @param stdout   its complete stdout
     * @param stderr   its complete stderr
     */
    record RemoteResult(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }
}

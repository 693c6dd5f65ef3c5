package monet.remote;

import java.time.Duration;
import java.util.function.Consumer;

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
     * What to run.
     *
     * @param description what it does, for progress and errors ("restart drawing-agent")
     * @param script      a POSIX sh script; put user text in it only through {@link monet.process.Shell#quote}
     * @param timeout     how long it may run
     * @param stdout      called with each stdout line as it becomes available (may be all at the end)
     * @param stderr      called with each stderr line as it becomes available
     */
    record RemoteCommand(String description, String script, Duration timeout,
                         Consumer<String> stdout, Consumer<String> stderr) {
        /** A command whose output is only collected. */
        public static RemoteCommand of(String description, String script, Duration timeout) {
            return new RemoteCommand(description, script, timeout, line -> {}, line -> {});
        }

        /** The same command, streaming its output to the given consumers. */
        public RemoteCommand streaming(Consumer<String> out, Consumer<String> err) {
            return new RemoteCommand(description, script, timeout, out, err);
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

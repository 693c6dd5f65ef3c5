package monet.process;

import java.time.Duration;

/**
 * What a finished command left behind.
 *
 * @param command  the command as it would be typed (secrets masked)
 * @param exitCode the process's exit code
 * @param stdout   everything it wrote to stdout
 * @param stderr   everything it wrote to stderr
 * @param duration how long it ran
 */
public record CmdResult(String command, int exitCode, String stdout, String stderr, Duration duration) {
    /** True when the exit code is 0. */
    public boolean ok() {
        return exitCode == 0;
    }

    /** stdout without its trailing newline(s): handy for one-line answers like {@code git rev-parse}. */
    public String out() {
        return stdout.stripTrailing();
    }
}

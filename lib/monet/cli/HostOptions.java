package monet.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options of every command that runs something on the host, in {@code remote} and
 * {@code release} alike (a picocli mixin): {@code --via}, {@code --instance}, {@code --dry-run},
 * {@code --timeout}. The host package's HostTarget turns them into where the scripts run.
 */
public final class HostOptions {
    @Option(names = "--via", paramLabel = "ssm|ssh|local", defaultValue = "ssm",
            description = "How to reach the instance: ssm (default; AWS Systems Manager), ssh (the system ssh client with "
                    + "ssh.key as ssh.user, for when SSM is down), local (this machine, e.g. on the server itself).")
    String via;

    @Option(names = "--instance", paramLabel = "ID", description = "Use this instance instead of finding it by tag (instance.tag).")
    String instance;

    @Option(names = "--dry-run", description = "Print exactly what would be run and sent (scripts, SSM requests, ssh "
            + "command lines) and change nothing.")
    boolean dryRun;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long each command on the host may run (SSM's "
            + "executionTimeout; over ssh and local it is killed). Default: remote.timeout (600) for remote; 15 minutes for "
            + "a release's migrate, deploy and rollback, 2 for its other host commands.")
    Long timeoutSeconds;

    /** {@code --via}: ssm, ssh or local. */
    public String via() {
        return via;
    }

    /** {@code --instance}, or null to find it by tag. */
    public String instance() {
        return instance;
    }

    public boolean dryRun() {
        return dryRun;
    }

    /** {@code --timeout}, or null when not given. */
    public Duration timeout() {
        return timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds);
    }
}

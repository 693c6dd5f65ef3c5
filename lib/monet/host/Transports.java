package monet.host;

import java.time.Duration;
import java.util.Locale;
import monet.MonetException;
import monet.aws.Aws;
import monet.config.Config;
import monet.config.Keys;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The one way to get a {@link RemoteShell} for the production instance. Stable API, used by
 * {@code remote} and {@code release}:
 *
 * <pre>{@code
 * RemoteShell shell = Transports.open(config, "ssm", null);   // via: ssm (default), ssh, local
 * RemoteResult r = shell.run(RemoteCommand.of("migrate", script, Duration.ofMinutes(10)));
 * }</pre>
 *
 * The instance is {@code instanceOverride}, else {@code instance.id}, else the one running
 * instance tagged {@code instance.tag} (looked up on first use, so building a shell and
 * {@link RemoteShell#preview} need no AWS calls). SSH goes to {@code ssh.host}, else the
 * instance's public address, as {@code ssh.user} with {@code ssh.key}.
 */
public final class Transports {
    private Transports() {}

    /** The transports {@code --via} accepts. */
    public enum Via { SSM, SSH, LOCAL }

    /** Parses {@code --via} (null or "" means ssm); a usage error for anything else. */
    public static Via via(String via) {
        if (via == null || via.isBlank()) {
            return Via.SSM;
        }
        try {
            return Via.valueOf(via.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw MonetException.usage("--via must be ssm, ssh or local, got '" + via + "'");
        }
    }

    /** A shell on the production instance over the given transport. */
    public static RemoteShell open(Config config, String via, String instanceOverride) {
        String explicit = instanceOverride != null && !instanceOverride.isBlank() ? instanceOverride : config.get(Keys.INSTANCE_ID);
        switch (via(via)) {
            case LOCAL:
                return new LocalShell(null);
            case SSH: {
                String configured = config.get(Keys.SSH_HOST);
                String unresolved = !configured.isBlank() ? configured
                        : explicit.isBlank() ? "public address of the instance tagged " + config.get(Keys.INSTANCE_TAG)
                        : "public address of " + explicit;
                java.util.function.Supplier<String> host = !configured.isBlank() ? () -> configured : () -> {
                    try (Ec2Client ec2 = Aws.client(Ec2Client.builder(), config)) {
                        Instances.Found found = explicit.isBlank() ? Instances.theRunningOne(ec2, config.get(Keys.INSTANCE_TAG))
                                : Instances.byId(ec2, explicit);
                        return found.publicIp();
                    }
                };
                java.nio.file.Path key = config.get(Keys.SSH_KEY).orElse(null);
                return new SshShell(host, unresolved, config.get(Keys.SSH_USER), key, config.get(Keys.SSH_PORT),
                        SshShell.options(config.get(Keys.SSH_OPTIONS)));
            }
            default:
                return ssm(config, explicit);
        }
    }

    /** An SSM shell (the instance as in {@link #open}); release uses this for its SSM steps. */
    public static SsmShell ssm(Config config, String instanceOverride) {
        String explicit = instanceOverride != null && !instanceOverride.isBlank() ? instanceOverride : config.get(Keys.INSTANCE_ID);
        SsmClient ssm = Aws.client(SsmClient.builder(), config);
        String tag = config.get(Keys.INSTANCE_TAG);
        java.util.function.Supplier<String> instance = !explicit.isBlank() ? () -> explicit : () -> {
            try (Ec2Client ec2 = Aws.client(Ec2Client.builder(), config)) {
                return Instances.theRunningOne(ec2, tag).id();
            }
        };
        SsmShell.Options options = SsmShell.Options.defaults(Aws.region(config).id())
                .withDeliveryTimeout(config.get(Keys.SSM_DELIVERY_TIMEOUT))
                .withLogGroup(config.get(Keys.SSM_LOG_GROUP)).withSecretKey(config.get(Keys.SSM_SECRET_KEY));
        String bucket = config.get(Keys.SSM_OUTPUT_BUCKET);
        if (!bucket.isBlank()) {
            options = options.withOutputBucket(bucket, () -> Aws.client(S3Client.builder(), config));
        }
        return new SsmShell(ssm, instance, explicit.isBlank() ? "the running instance tagged " + tag : explicit, options);
    }

    /** Every instance with a tag ({@code --all}: instance.tag; {@code --targets tag:K=V}), through SSM targeting. */
    public static SsmFleet fleet(Config config, String tagSpec) {
        String tag = tagSpec == null || tagSpec.isBlank() ? config.get(Keys.INSTANCE_TAG) : tagSpec;
        return new SsmFleet(ssm(config, "fleet"), tag, config.get(Keys.SSM_MAX_CONCURRENCY), config.get(Keys.SSM_MAX_ERRORS));
    }

    /** {@code remote.timeout} (1 to 172800 seconds, as {@link #timeout(Duration)}: its key checks that). */
    public static Duration timeout(Config config) {
        return config.get(Keys.REMOTE_TIMEOUT);
    }

    /**
     * A command's timeout as given ({@code --timeout}): 1 to 172800 seconds (48 hours, the most
     * AWS-RunShellScript allows), whatever the transport, so that a command behaves the same over
     * SSM, SSH and locally; a usage error otherwise.
     */
    public static Duration timeout(Duration timeout) {
        if (timeout.toSeconds() < 1 || timeout.toSeconds() > SsmShell.MAX_EXECUTION_SECONDS) {
            throw MonetException.usage("--timeout must be 1 to " + SsmShell.MAX_EXECUTION_SECONDS + " seconds (48 hours, the most"
                    + " SSM's AWS-RunShellScript allows), got " + timeout.toSeconds());
        }
        return timeout;
    }
}

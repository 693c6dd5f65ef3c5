package monet.release;

import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import monet.MonetException;
import monet.aws.Aws;
import monet.changelog.Bump;
import monet.changelog.Changelog;
import monet.changelog.ChangelogException;
import monet.changelog.Release;
import monet.changelog.Version;
import monet.config.Config;
import monet.config.Environment;
import monet.config.Keys;
import monet.console.Console;
import monet.console.Secrets;
import monet.host.HostScripts;
import monet.host.HostTarget;
import monet.process.Cmd;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Everything a release stage needs to know: configuration, the repository, the version and
 * commit being released, who releases, where the instance is, and the AWS clients (made on
 * first use, so that {@code --dry-run} never touches AWS).
 */
public final class ReleaseContext {
    /** The registry shown in a dry run when {@code ecr.registry} is unset (no AWS call is made). */
    static final String PLACEHOLDER_ACCOUNT = "ACCOUNT";

    private final Config config;
    private final Path repo;
    private final Console console;
    private final boolean dryRun;
    private final String requestedVersion;
    private final HostTarget host;
    private final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private Map<String, String> localEnv = Map.of();
    private S3Client s3;
    private EcrClient ecr;
    private EcrLogin ecrLogin;
    private ResolvedVersion version;
    private String registry;
    private String commit;

    /**
     * The version being released and how it was found.
     *
     * @param version the version
     * @param source  where it came from, said in output ("tag v1.2.0 at HEAD", ...)
     * @param tagged  false when it is only derived (dry run without a tag)
     */
    public record ResolvedVersion(Version version, String source, boolean tagged) {}

    /**
     * A context.
     *
     * @param config           the configuration
     * @param repo             the repository (the app's sources and CHANGELOG.md)
     * @param dryRun           print instead of doing
     * @param requestedVersion --version, or null
     * @param host             where host scripts run
     */
    public ReleaseContext(Config config, Path repo, boolean dryRun, String requestedVersion,
                          HostTarget host) {
        this.config = config;
        this.repo = repo;
        this.console = Console.get();
        this.dryRun = dryRun;
        this.requestedVersion = requestedVersion == null || requestedVersion.isBlank() ? null : requestedVersion;
        this.host = host;
    }

    /** Replaces the AWS clients (tests). Returns {@code this}. */
    synchronized ReleaseContext clients(S3Client s3Client, EcrClient ecrClient) {
        this.s3 = s3Client;
        this.ecr = ecrClient;
        return this;
    }

    /**
     * Environment added to every local command (tests put stand-ins on PATH this way), and the
     * PATH that local programs are looked up in. Default: none. Returns {@code this}.
     */
    ReleaseContext localEnv(Map<String, String> extra) {
        this.localEnv = Map.copyOf(extra);
        return this;
    }

    /** A local program with its arguments (found on {@link #localEnv}'s PATH when it sets one). */
    Cmd cmd(String program, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(List.of(args));
        String path = localEnv.get("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, program))) {
                    argv.set(0, Path.of(dir, program).toString());
                    break;
                }
            }
        }
        return Cmd.of(argv).env(localEnv);
    }

    /** A local sh script, with {@link #localEnv}. */
    Cmd shell(String script) {
        return Cmd.shell(script).env(localEnv);
    }

    Config config() {
        return config;
    }

    Path repo() {
        return repo;
    }

    Console console() {
        return console;
    }

    boolean dryRun() {
        return dryRun;
    }

    HostTarget host() {
        return host;
    }

    synchronized S3Client s3() {
        if (s3 == null) {
            s3 = Aws.client(S3Client.builder(), config);
        }
        return s3;
    }

    /**
     * The registry and its password, from one ECR GetAuthorizationToken call (made once).
     *
     * @param registry the registry host, from the token's proxy endpoint
     * @param password the password for {@code docker login --password-stdin} (registered as a secret)
     */
    record EcrLogin(String registry, String password) {}

    synchronized EcrLogin ecrLogin() {
        if (ecrLogin == null) {
            if (ecr == null) {
                ecr = Aws.client(EcrClient.builder(), config);
            }
            AuthorizationData data = ecr.getAuthorizationToken().authorizationData().get(0);
            String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new MonetException("ECR returned an authorization token that is not USER:PASSWORD");
            }
            String password = decoded.substring(colon + 1);
            Secrets.register(password);
            ecrLogin = new EcrLogin(URI.create(data.proxyEndpoint()).getHost(), password);
        }
        return ecrLogin;
    }

    /**
     * The version: {@code --version} (or {@code MONET_RELEASE_VERSION}), else the tag GitHub
     * Actions is building, else a {@code vX.Y.Z} tag at HEAD. A dry run without any of these
     * derives one from CHANGELOG.md (or uses {@code 0.0.0-dev}) and says so.
     */
    public synchronized ResolvedVersion version() {
        if (version == null) {
            version = resolveVersion();
        }
        return version;
    }

    private ResolvedVersion resolveVersion() {
        String requested = requestedVersion != null ? requestedVersion : config.get(Environment.MONET_RELEASE_VERSION);
        if (!requested.isBlank()) {
            return new ResolvedVersion(Version.parse(requested), "--version " + requested, true);
        }
        String ref = config.get(Environment.GITHUB_REF_NAME);
        if (config.get(Environment.GITHUB_REF_TYPE).equals("tag") && Version.tryParse(ref) != null) {
            return new ResolvedVersion(Version.parse(ref), "tag " + ref + " (GitHub Actions)", true);
        }
        Git git = new Git(repo);
        Optional<Version> atHead = git.ok("rev-parse", "--git-dir")
                ? git.out("tag", "--points-at", "HEAD", "--list", "v*").lines().map(Version::tryParse)
                        .filter(Objects::nonNull).max(Version::compareTo)
                : Optional.empty();
        if (atHead.isPresent()) {
            return new ResolvedVersion(atHead.get(), "tag v" + atHead.get() + " at HEAD", true);
        }
        if (!dryRun) {
            throw MonetException.usage("no version to release: HEAD has no vX.Y.Z tag (cut one with 'release cut'),"
                    + " so pass --version X.Y.Z");
        }
        Path file = repo.resolve("CHANGELOG.md");
        if (Files.isRegularFile(file)) {
            Changelog changelog = Changelog.read(file);
            if (!changelog.unreleased().map(Release::isEmpty).orElse(true)) {
                try {
                    return new ResolvedVersion(changelog.nextVersion(Bump.AUTO), "not tagged: derived from CHANGELOG.md's"
                            + " [Unreleased], as 'release cut --bump auto' would name it", false);
                } catch (ChangelogException noTypedEntries) {
                    // fall through to the latest version
                }
            }
            if (changelog.highestVersion().isPresent()) {
                return new ResolvedVersion(changelog.highestVersion().get(), "not tagged: the latest version in CHANGELOG.md", false);
            }
        }
        return new ResolvedVersion(Version.parse("0.0.0-dev"), "not tagged and no version in CHANGELOG.md: a placeholder", false);
    }

    /**
     * The commit being released: the one the version's tag points to, when the repository has the
     * tag; else HEAD; else GITHUB_SHA. Not GITHUB_SHA first: in a run started by hand
     * (workflow_dispatch) it is the head of the branch the run was started from, not the tag's.
     */
    public synchronized String commit() {
        if (commit == null) {
            Git git = new Git(repo);
            commit = tagCommit().or(() -> git.maybe("rev-parse", "--verify", "--quiet", "HEAD^{commit}"))
                    .orElse(config.get(Environment.GITHUB_SHA).isEmpty() ? "unknown" : config.get(Environment.GITHUB_SHA));
        }
        return commit;
    }

    /** The commit the version's tag points to, when there is a version and the repository has its tag. */
    Optional<String> tagCommit() {
        Version v;
        try {
            v = version().version();
        } catch (MonetException noVersion) {
            return Optional.empty(); // lock, status, unlock: no version, and none needed
        }
        return new Git(repo).maybe("rev-parse", "--verify", "--quiet", "refs/tags/v" + v + "^{commit}");
    }

    /** Who releases, for the lock and the audit log: the GitHub actor, else user@host. */
    String who() {
        return HostScripts.who(config);
    }

    /** How long a host script may run: {@code --timeout}, else {@code otherwise}. */
    Duration hostTimeout(Duration otherwise) {
        return host.timeoutOr(otherwise);
    }

    /** The build time stamped into images. */
    Instant started() {
        return started;
    }

    /** The region for the instance's aws CLI calls: AWS_REGION, AWS_DEFAULT_REGION, else {@code aws.region}. */
    String region() {
        for (Environment.Variable variable : List.of(Environment.AWS_REGION, Environment.AWS_DEFAULT_REGION)) {
            if (!config.get(variable).isEmpty()) {
                return config.get(variable);
            }
        }
        return config.get(Keys.AWS_REGION);
    }

    /**
     * The ECR registry host: {@code ecr.registry}, else the proxy endpoint of an ECR authorization
     * token (ACCOUNT.dkr.ecr.REGION.amazonaws.com); a dry run shows the word ACCOUNT instead of calling AWS.
     */
    synchronized String registry() {
        if (registry == null) {
            String configured = config.get(Keys.ECR_REGISTRY);
            registry = !configured.isEmpty() ? configured
                    : dryRun ? PLACEHOLDER_ACCOUNT + ".dkr.ecr." + region() + ".amazonaws.com" : ecrLogin().registry();
        }
        return registry;
    }

    /** The host scripts for this release. */
    public HostScripts scripts() {
        return new HostScripts(config, this::region, who(), commit());
    }

    /** The deploy bucket; a dry run without one shows {@code DEPLOY_BUCKET}. */
    String bucket() {
        return dryRun && config.get(Keys.DEPLOY_BUCKET).isEmpty() ? "DEPLOY_BUCKET" : config.get(Keys.DEPLOY_BUCKET);
    }
}

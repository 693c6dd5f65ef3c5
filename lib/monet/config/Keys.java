package monet.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every configuration key the toolkit knows, with the seed's values as defaults: the one place
 * to add one. Read a value with {@code config.get(Keys.INSTANCE_TAG)}; {@code config} prints
 * them in this order.
 */
public final class Keys {
    private Keys() {}

    // Filled by the constants below, in order (static fields initialise top to bottom); ALL, last, copies it.
    private static final List<Key<?>> DECLARED = new ArrayList<>();

    public static final Key<String> AWS_REGION = add(Key.text("aws.region", "us-east-1",
            "AWS region when the SDK's chain (AWS_REGION, profile) has none"));
    public static final Key<String> INSTANCE_TAG = add(Key.text("instance.tag", "Name=drawing-agent",
            "tag KEY=VALUE that finds the production instance (running only)"));
    public static final Key<String> INSTANCE_ID = add(Key.text("instance.id", "",
            "instance id to use instead of the tag lookup"));
    public static final Key<String> APP_CONTAINER = add(Key.text("app.container", "drawing-agent",
            "the API's container and compose service"));
    public static final Key<String> SSR_CONTAINER = add(Key.text("ssr.container", "web-ssr",
            "the SSR server's container and compose service"));
    public static final Key<String> APP_DIR = add(Key.text("app.dir", "/home/ec2-user/app",
            "directory on the host with docker-compose.prod.yml and .env"));
    public static final Key<String> DATA_DIR = add(Key.text("data.dir", "/home/ec2-user/data",
            "the data volume's mount point on the host"));
    public static final Key<Boolean> DATA_REQUIRE_MOUNT = add(Key.flag("data.require-mount", true,
            "deploy refuses unless data.dir is a mount point (the data volume); false where the data is meant to live on the root disk"));
    public static final Key<Integer> DEPLOY_KEEP_RELEASES = add(Key.number("deploy.keep-releases", 3, 1, 999,
            "release directories (web files and config) kept on the host for rollback"));
    public static final Key<List<String>> DEPLOY_OVERLAP = add(Key.list("deploy.overlap", "drawing-agent",
            "app services whose new version starts beside the live container (a stand-in under the service's network name)"
                    + " and serves with it until the new container passes its health check, so their requests do not fail"
                    + " while a deploy or rollback replaces it (\"\" = replace in place: a gap of a second or two)"));
    public static final Key<Duration> DEPLOY_OVERLAP_TIMEOUT = add(Key.seconds("deploy.overlap-timeout", 180, 5, 3600,
            "how long deploy and rollback wait for the new version's stand-in, then its own container, to pass the"
                    + " compose file's health check; a stand-in that does not refuses the deploy with the old version serving"));
    public static final Key<String> DB_NAME = add(Key.text("db.name", "code_monet.db",
            "the SQLite database file in data.dir"));
    public static final Key<Integer> DB_BACKUPS = add(Key.number("db.backups", 5, 0, 1000,
            "online backups of the database kept in data.dir/backups, one taken before each migrate (0 = none)"));
    public static final Key<String> SITE_URL = add(Key.text("site.url", "https://monet.dmfenton.net",
            "the public site (for /api/version and /ssr-health)"));
    public static final Key<List<String>> ECR_REPOSITORIES = add(Key.list("ecr.repositories", "drawing-agent,web-ssr",
            "ECR repositories: backend, SSR"));
    public static final Key<String> SES_SENDER = add(Key.text("ses.sender", "noreply@dmfenton.net",
            "the SES sender address", "SES_SENDER_EMAIL"));
    public static final Key<String> SES_DOMAIN = add(Key.text("ses.domain", "",
            "the SES domain identity (\"\" = the sender's domain)"));
    public static final Key<String> SES_MAIL_FROM = add(Key.text("ses.mail-from", "mail",
            "custom MAIL FROM subdomain under ses.domain (mail -> mail.DOMAIN)"));
    public static final Key<String> SES_RESOLVER = add(Key.text("ses.resolver", "",
            "DNS server HOST[:PORT] for ses-test dns (\"\" = the system's resolvers)"));
    public static final Key<Boolean> SES_REQUIRE_DKIM = add(Key.flag("ses.require-dkim", false,
            "ses-test status: true makes DKIM that is not verified block (exit 1); false warns"));
    public static final Key<String> SSH_USER = add(Key.text("ssh.user", "ec2-user",
            "SSH user on the instance"));
    public static final Key<Optional<Path>> SSH_KEY = add(Key.path("ssh.key", "~/.ssh/drawing-agent.pem",
            "SSH private key for the instance (\"\" = the ssh client's own keys and agent)"));
    public static final Key<String> SSM_OUTPUT_BUCKET = add(Key.text("ssm.output.bucket", "",
            "S3 bucket for full SSM command output (optional)"));
    public static final Key<String> SSM_LOG_GROUP = add(Key.text("ssm.log.group", "/monet/ssm",
            "CloudWatch Logs group that keeps each SSM command's output (infrastructure output ssm_log_group; \"\" for none)"));
    public static final Key<String> SSM_SECRET_KEY = add(Key.text("ssm.secret.key", "alias/monet-parameters",
            "KMS key of the one-time SecureString parameters (infrastructure output parameters_kms_key; \"\" = aws/ssm)"));
    public static final Key<String> LOGS_GROUP = add(Key.text("logs.group", "/monet/app",
            "CloudWatch Logs group the server's agent ships container logs to (terraform output app_log_group);"
                    + " remote logs --follow reads it (\"\" = poll over SSM)"));
    public static final Key<String> SSH_HOST = add(Key.text("ssh.host", "",
            "SSH host instead of the instance's public address (remote --via ssh)"));
    public static final Key<Integer> SSH_PORT = add(Key.number("ssh.port", 22, 1, 65535,
            "SSH port (remote --via ssh)"));
    public static final Key<String> SSH_OPTIONS = add(Key.text("ssh.options", "",
            "extra ssh client options, space-separated, e.g. -o UserKnownHostsFile=PATH"));
    // 172800 s (48 hours): the most SSM's AWS-RunShellScript allows as executionTimeout; ssh and local keep the same limit.
    public static final Key<Duration> REMOTE_TIMEOUT = add(Key.seconds("remote.timeout", 600, 1, 172_800,
            "how long a remote command may run (SSM executionTimeout, ssh/local kill)"));
    public static final Key<String> SSM_MAX_CONCURRENCY = add(Key.text("ssm.max-concurrency", "10",
            "SSM MaxConcurrency for remote --all/--targets (a number or a percentage)"));
    public static final Key<String> SSM_MAX_ERRORS = add(Key.text("ssm.max-errors", "0",
            "SSM MaxErrors for remote --all/--targets (a number or a percentage)"));
    // 30 s to 30 days: the range of SSM SendCommand's TimeoutSeconds.
    public static final Key<Duration> SSM_DELIVERY_TIMEOUT = add(Key.seconds("ssm.delivery-timeout", 60, 30, 2_592_000,
            "how long SSM may take to deliver a command to the instance's agent (TimeoutSeconds); waiting longer,"
                    + " the command is cancelled"));
    public static final Key<String> APP_COMPOSE_FILE = add(Key.text("app.compose.file", "docker-compose.prod.yml",
            "the compose file in app.dir"));
    public static final Key<String> APP_MIGRATE = add(Key.text("app.migrate", "uv run alembic upgrade head",
            "command run in the app container by remote migrate"));
    public static final Key<String> APP_CLI_CREATE_INVITE = add(Key.text("app.cli.create-invite",
            "uv run python -m drawing_agent.cli create-invite",
            "command run in the app container by remote create-invite (prints the code)"));
    public static final Key<String> APP_CLI_CREATE_USER = add(Key.text("app.cli.create-user",
            "uv run python -m drawing_agent.cli create-user --password-stdin",
            "command run in the app container by remote create-user; EMAIL is appended, the password comes on stdin"));
    public static final Key<String> DEPLOY_BUCKET = add(Key.text("deploy.bucket", "",
            "S3 bucket the release syncs the web frontend and config to"));
    public static final Key<String> GITHUB_REPOSITORY = add(Key.text("github.repository", "dmfenton/CodeMonet",
            "owner/name on GitHub", "GITHUB_REPOSITORY"));
    public static final Key<String> RELEASE_BRANCH = add(Key.text("release.branch", "main",
            "the branch releases are cut from"));
    public static final Key<String> E2E_COMMAND = add(Key.text("e2e.command", "cd server && uv run pytest tests/e2e -v",
            "the E2E SDK tests (sh command, run from the repository)"));
    public static final Key<String> E2E_SECRET = add(Key.text("e2e.secret", "ANTHROPIC_API_KEY",
            "environment variable the E2E tests need; without it e2e is skipped"));
    public static final Key<String> WEB_DIR = add(Key.text("web.dir", "web",
            "the web frontend's directory in the repository"));
    public static final Key<String> WEB_BUILD = add(Key.text("web.build", "npm run build",
            "the frontend's build command (after npm ci), run in web.dir"));
    public static final Key<String> WEB_DIST = add(Key.text("web.dist", "dist",
            "the built frontend, relative to web.dir (synced to the bucket's web/)"));
    public static final Key<String> SERVER_DIR = add(Key.text("server.dir", "infrastructure/server",
            "the server's files (compose, nginx.conf), synced to the bucket's config/"));
    public static final Key<String> IMAGE_BACKEND_DOCKERFILE = add(Key.text("image.backend.dockerfile", "server/Dockerfile",
            "Dockerfile of the API image (ecr.repositories' first)"));
    public static final Key<String> IMAGE_BACKEND_CONTEXT = add(Key.text("image.backend.context", "server",
            "build context of the API image"));
    public static final Key<String> IMAGE_SSR_DOCKERFILE = add(Key.text("image.ssr.dockerfile", "web/Dockerfile",
            "Dockerfile of the SSR image (ecr.repositories' second)"));
    public static final Key<String> IMAGE_SSR_CONTEXT = add(Key.text("image.ssr.context", ".",
            "build context of the SSR image"));
    public static final Key<List<String>> IMAGE_BUILD_ARGS = add(Key.list("image.build-args",
            "VERSION={version},COMMIT={commit},BUILD_TIME={build-time}",
            "the images' build arguments, NAME=VALUE comma-separated; {version}, {commit} (the tag's) and"
                    + " {build-time} are filled in"));
    public static final Key<String> ECR_REGISTRY = add(Key.text("ecr.registry", "",
            "ECR registry host (default: from an ECR authorization token, ACCOUNT.dkr.ecr.REGION.amazonaws.com)"));
    public static final Key<String> APP_PARAMETERS = add(Key.text("app.parameters", "/monet/app/",
            "SSM Parameter Store path of the app's secrets (read on the instance)"));
    public static final Key<Duration> VERIFY_TIMEOUT = add(Key.seconds("verify.timeout", 300, 1, 86_400,
            "how long verify waits for the new version before it rolls back"));
    public static final Key<String> VERIFY_SSR_HEALTHY = add(Key.text("verify.ssr-healthy", "\\bhealthy\\b",
            "regular expression (case-insensitive) the body of the site's /ssr-health must contain, with HTTP 200"
                    + " (\"\" = any 200 answer)"));
    public static final Key<String> SSR_HEALTH_PATH = add(Key.text("ssr.health-path", "/ssr-health",
            "the SSR server's own health path: nginx answers the public /ssr-health from it, and the compose file's"
                    + " health check asks it (both written by sync-web into the files it publishes)"));

    /** Every key, in the order above. */
    public static final List<Key<?>> ALL = List.copyOf(DECLARED);

    private static <T> Key<T> add(Key<T> key) {
        DECLARED.add(key);
        return key;
    }
}

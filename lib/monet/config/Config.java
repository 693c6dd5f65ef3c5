package monet.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import monet.text.Suggestions;
import monet.text.TextTable;

/**
 * The toolkit's configuration, in one place. Each key's value comes from, strongest first:
 * <ol>
 *   <li>a flag ({@code --set KEY=VALUE}, or a script's own option),</li>
 *   <li>an environment variable ({@code MONET_INSTANCE_TAG}, ...; see {@link Key#env()}),</li>
 *   <li>the config file: {@code $MONET_CONFIG}, else the first {@value #FILE_NAME} found from
 *       the current directory upwards,</li>
 *   <li>the built-in default (the seed's values).</li>
 * </ol>
 * AWS settings (credentials, profile, endpoint) are not here: the AWS SDK's own provider
 * chains read {@code AWS_PROFILE}, {@code AWS_REGION}, {@code AWS_ENDPOINT_URL} and the rest.
 * {@code aws.region} is only the fallback for when that chain finds no region.
 */
public final class Config {
    /** The config file's name. */
    public static final String FILE_NAME = "monet.properties";

    /** Every key the toolkit knows, with the seed's values as defaults. */
    public static final List<Key> KEYS = List.of(
            key("aws.region", "us-east-1", "AWS region when the SDK's chain (AWS_REGION, profile) has none"),
            key("instance.tag", "Name=drawing-agent", "tag KEY=VALUE that finds the production instance (running only)"),
            key("instance.id", "", "instance id to use instead of the tag lookup"),
            key("app.container", "drawing-agent", "the API's container and compose service"),
            key("ssr.container", "web-ssr", "the SSR server's container and compose service"),
            key("app.dir", "/home/ec2-user/app", "directory on the host with docker-compose.prod.yml and .env"),
            key("data.dir", "/home/ec2-user/data", "the data volume's mount point on the host"),
            key("data.require-mount", "true", "deploy refuses unless data.dir is a mount point (the data volume); false where"
                    + " the data is meant to live on the root disk"),
            key("deploy.keep-releases", "3", "release directories (web files and config) kept on the host for rollback"),
            key("db.name", "code_monet.db", "the SQLite database file in data.dir"),
            key("site.url", "https://monet.dmfenton.net", "the public site (for /api/version and /ssr-health)"),
            key("ecr.repositories", "drawing-agent,web-ssr", "ECR repositories: backend, SSR"),
            key("ses.sender", "noreply@dmfenton.net", "the SES sender address", "SES_SENDER_EMAIL"),
            key("ses.domain", "", "the SES domain identity (\"\" = the sender's domain)"),
            key("ses.mail-from", "mail", "custom MAIL FROM subdomain under ses.domain (mail -> mail.DOMAIN)"),
            key("ses.resolver", "", "DNS server HOST[:PORT] for ses-test dns (\"\" = the system's resolvers)"),
            key("ses.require-dkim", "false", "ses-test status: true makes DKIM that is not verified block (exit 1); false warns"),
            key("ssh.user", "ec2-user", "SSH user on the instance"),
            key("ssh.key", "~/.ssh/drawing-agent.pem", "SSH private key for the instance"),
            key("ssm.output.bucket", "", "S3 bucket for full SSM command output (optional)"),
            key("ssm.log.group", "/monet/ssm", "CloudWatch Logs group that keeps each SSM command's output (infrastructure output ssm_log_group; \"\" for none)"),
            key("ssm.secret.key", "alias/monet-parameters", "KMS key of the one-time SecureString parameters (infrastructure output parameters_kms_key; \"\" = aws/ssm)"),
            key("logs.group", "/monet/app", "CloudWatch Logs group the server's agent ships container logs to (terraform output"
                    + " app_log_group); remote logs --follow reads it (\"\" = poll over SSM)"),
            key("ssh.host", "", "SSH host instead of the instance's public address (remote --via ssh)"),
            key("ssh.port", "22", "SSH port (remote --via ssh)"),
            key("ssh.options", "", "extra ssh client options, space-separated, e.g. -o UserKnownHostsFile=PATH"),
            key("remote.timeout", "600", "seconds a remote command may run (SSM executionTimeout, ssh/local kill)"),
            key("ssm.max-concurrency", "10", "SSM MaxConcurrency for remote --all/--targets"),
            key("ssm.max-errors", "0", "SSM MaxErrors for remote --all/--targets"),
            key("ssm.delivery-timeout", "60", "seconds SSM may take to deliver a command to the instance's agent (TimeoutSeconds,"
                    + " 30 to 2592000); waiting longer, the command is cancelled"),
            key("app.compose.file", "docker-compose.prod.yml", "the compose file in app.dir"),
            key("app.migrate", "uv run alembic upgrade head", "command run in the app container by remote migrate"),
            key("app.cli.create-invite", "uv run python -m drawing_agent.cli create-invite",
                    "command run in the app container by remote create-invite (prints the code)"),
            key("app.cli.create-user", "uv run python -m drawing_agent.cli create-user --password-stdin",
                    "command run in the app container by remote create-user; EMAIL is appended, the password comes on stdin"),
            key("deploy.bucket", "", "S3 bucket the release syncs the web frontend and config to"),
            key("github.repository", "dmfenton/CodeMonet", "owner/name on GitHub", "GITHUB_REPOSITORY"),
            key("release.branch", "main", "the branch releases are cut from"),
            key("e2e.command", "cd server && uv run pytest tests/e2e -v", "the E2E SDK tests (sh command, run from the repository)"),
            key("e2e.secret", "ANTHROPIC_API_KEY", "environment variable the E2E tests need; without it e2e is skipped"),
            key("web.dir", "web", "the web frontend's directory in the repository"),
            key("web.build", "npm run build", "the frontend's build command (after npm ci), run in web.dir"),
            key("web.dist", "dist", "the built frontend, relative to web.dir (synced to the bucket's web/)"),
            key("server.dir", "infrastructure/server", "the server's files (compose, nginx.conf), synced to the bucket's config/"),
            key("image.backend.dockerfile", "server/Dockerfile", "Dockerfile of the API image (ecr.repositories' first)"),
            key("image.backend.context", "server", "build context of the API image"),
            key("image.ssr.dockerfile", "web/Dockerfile", "Dockerfile of the SSR image (ecr.repositories' second)"),
            key("image.ssr.context", ".", "build context of the SSR image"),
            key("ecr.registry", "", "ECR registry host (default: from an ECR authorization token, ACCOUNT.dkr.ecr.REGION.amazonaws.com)"),
            key("app.parameters", "/monet/app/", "SSM Parameter Store path of the app's secrets (read on the instance)"),
            key("verify.timeout", "300", "seconds verify waits for the new version before it rolls back"));

    private final Map<String, Value> values;
    private final Path file;

    private Config(Map<String, Value> values, Path file) {
        this.values = values;
        this.file = file;
    }

    /** Where a value came from. */
    public enum Source { DEFAULT, FILE, ENV, FLAG }

    /**
     * A resolved value.
     *
     * @param key    the key
     * @param value  its value
     * @param source where it came from
     * @param origin the file:line, variable or flag that set it ("" for defaults)
     */
    public record Value(Key key, String value, Source source, String origin) {}

    /** Loads the configuration for this process: file, environment, then the given flag values. */
    public static Config load(Map<String, String> flags) {
        return load(System.getenv(), Path.of("").toAbsolutePath(), flags);
    }

    /** Loads the configuration from an explicit environment and directory (for tests). */
    public static Config load(Map<String, String> env, Path cwd, Map<String, String> flags) {
        Map<String, Value> values = new LinkedHashMap<>();
        for (Key key : KEYS) {
            values.put(key.name(), new Value(key, key.defaultValue(), Source.DEFAULT, ""));
        }
        Path file = findFile(env, cwd);
        if (file != null) {
            readFile(file, values);
        }
        for (Key key : KEYS) {
            List<String> names = new ArrayList<>(key.extraEnv());
            names.add(key.env());
            for (String name : names) {
                String value = env.get(name);
                if (value != null && !value.isEmpty()) {
                    values.put(key.name(), new Value(key, value, Source.ENV, name));
                }
            }
        }
        flags.forEach((name, value) -> {
            Key key = keyNamed(name).orElseThrow(() -> unknown(name, "--set " + name + "=..."));
            values.put(key.name(), new Value(key, value, Source.FLAG, "--set " + name));
        });
        return new Config(values, file);
    }

    /** The value of a key (never null; "" when unset). */
    public String get(String key) {
        Value value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no configuration key '" + key + "'");
        }
        return value.value();
    }

    /** The value of a key that must be set, with a message saying how to set it. */
    public String require(String key) {
        String value = get(key);
        if (value.isBlank()) {
            Key k = values.get(key).key();
            throw new ConfigException("configuration '" + key + "' (" + k.description() + ") is not set: use --set "
                    + key + "=..., " + k.env() + ", or a line '" + key + " = ...' in " + FILE_NAME);
        }
        return value;
    }

    /** A comma-separated value as a list. */
    public List<String> list(String key) {
        return Arrays.stream(get(key).split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }

    /** {@code ~/...} expanded against the user's home. */
    public Path path(String key) {
        String value = get(key);
        if (value.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), value.substring(2));
        }
        return Path.of(value);
    }

    /** Every value with where it came from, in key order. */
    public List<Value> values() {
        return List.copyOf(values.values());
    }

    /** The config file that was read, if any. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** A table of every key, value and source: what {@code config} prints. */
    public String describe() {
        TextTable table = new TextTable();
        for (Value v : values.values()) {
            String source = v.source().name().toLowerCase() + (v.origin().isEmpty() ? "" : " " + v.origin());
            table.row(v.key().name(), "=", v.value(), "(" + source + ")");
        }
        return "config file: " + (file == null ? "(none found; looked for " + FILE_NAME + ")" : file) + "\n" + table.render();
    }

    private static Path findFile(Map<String, String> env, Path cwd) {
        String explicit = env.get("MONET_CONFIG");
        if (explicit != null && !explicit.isEmpty()) {
            Path path = Path.of(explicit);
            if (!Files.isRegularFile(path)) {
                throw new ConfigException("MONET_CONFIG names " + path + ", which is not a file");
            }
            return path;
        }
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static void readFile(Path file, Map<String, Value> values) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1);
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(where + ": expected 'key = value', found '" + line + "'");
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            Key key = keyNamed(name).orElseThrow(() -> unknown(name, where));
            values.put(key.name(), new Value(key, value, Source.FILE, where));
        }
    }

    private static Optional<Key> keyNamed(String name) {
        return KEYS.stream().filter(k -> k.name().equals(name)).findFirst();
    }

    private static ConfigException unknown(String name, String where) {
        String nearest = Suggestions.closest(name, KEYS.stream().map(Key::name).toList()).orElse("");
        return new ConfigException(where + ": unknown configuration key '" + name + "' (did you mean '" + nearest
                + "'? keys: " + KEYS.stream().map(Key::name).collect(Collectors.joining(", ")) + ")");
    }

    private static Key key(String name, String defaultValue, String description, String... extraEnv) {
        return new Key(name, defaultValue, description, List.of(extraEnv));
    }
}

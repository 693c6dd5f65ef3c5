package monet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import monet.process.Cmd;

/**
 * A directory that plays the production host for tests: the app directory with {@code .env}
 * and the compose file, the data directory with a real SQLite database, and a recording
 * {@code docker} stand-in (plus the app CLI's {@code uv} inside "containers") on PATH. Every
 * transport's test runs its scripts here: the SSM test endpoint, a real sshd, {@code --via local}.
 *
 * <pre>{@code
 * HostSandbox host = HostSandbox.create(tempDir);
 * cmd.env(host.env());                          // PATH, MONET_SANDBOX, TMPDIR for the "host" side
 * config: host.config()                         // app.dir, data.dir for the client side
 * host.dockerCalls()                            // what docker was asked, argv by argv
 * }</pre>
 */
public final class HostSandbox {
    /** The image tag the app's .env starts with. */
    public static final String IMAGE_TAG = "v1.4.2";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    private HostSandbox(Path dir) {
        this.dir = dir;
    }

    /** Prepares (or reuses, if already prepared) a sandbox in {@code dir}. */
    public static HostSandbox create(Path dir) {
        HostSandbox host = new HostSandbox(dir.toAbsolutePath());
        if (!Files.exists(host.dir.resolve("containers.json"))) {
            host.prepare();
        }
        return host;
    }

    public Path dir() {
        return dir;
    }

    public Path appDir() {
        return dir.resolve("app");
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    public Path database() {
        return dataDir().resolve("code_monet.db");
    }

    /** Environment for scripts running "on the host": the stand-ins first on PATH. */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        // the stand-ins first, then what this machine has (sqlite3, curl, gzip, the aws CLI, python3)
        env.put("PATH", dir.resolve("bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("MONET_SANDBOX", dir.toString());
        env.put("TMPDIR", dir.resolve("tmp").toString());
        return env;
    }

    /** Environment for the client (the toolkit): where the host's app and data directories are. */
    public Map<String, String> clientEnv() {
        return Map.of("MONET_APP_DIR", appDir().toString(), "MONET_DATA_DIR", dataDir().toString(), "MONET_DATA_REQUIRE_MOUNT", "false");
    }

    /** The same as {@code --set} overrides (no Parameter Store here: the app's settings are its .env). */
    public Map<String, String> config() {
        return Map.of("app.dir", appDir().toString(), "data.dir", dataDir().toString(), "app.parameters", "", "data.require-mount", "false");
    }

    /** Every docker call so far, as argument lists. */
    public List<List<String>> dockerCalls() {
        return calls("docker.log");
    }

    /** Every call of the app's CLI (uv) so far. */
    public List<List<String>> appCliCalls() {
        return calls("app-cli.log");
    }

    private List<List<String>> calls(String log) {
        Path file = dir.resolve(log);
        List<List<String>> calls = new ArrayList<>();
        if (!Files.exists(file)) {
            return calls;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                List<String> argv = new ArrayList<>();
                JSON.readTree(line).get("argv").forEach(a -> argv.add(a.asText()));
                calls.add(argv);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return calls;
    }

    /** Appends lines to a container's log, each stamped one millisecond after the last. */
    public void appendLog(String container, List<String> messages) {
        Path log = dir.resolve("logs").resolve(container + ".log");
        try {
            Instant last = Instant.now().minus(1, ChronoUnit.HOURS);
            if (Files.exists(log)) {
                List<String> existing = Files.readAllLines(log);
                if (!existing.isEmpty()) {
                    last = Instant.parse(existing.get(existing.size() - 1).split(" ", 2)[0]);
                }
            }
            StringBuilder text = new StringBuilder();
            for (String message : messages) {
                last = last.plusMillis(1);
                text.append(last).append(' ').append(message).append('\n');
            }
            Files.writeString(log, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends lines that all carry the same timestamp (docker logs can have several per instant). */
    public void appendLogAt(String container, Instant at, List<String> messages) {
        StringBuilder text = new StringBuilder();
        messages.forEach(m -> text.append(at).append(' ').append(m).append('\n'));
        try {
            Files.writeString(dir.resolve("logs").resolve(container + ".log"), text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs SQL on the sandbox database with the real sqlite3 and returns its output. */
    public String sql(String statement) {
        return Cmd.of("sqlite3", database().toString(), statement).run().stdout().strip();
    }

    /** The containers as the docker stand-in sees them. */
    public JsonNode containers() {
        try {
            return JSON.readTree(dir.resolve("containers.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void prepare() {
        try {
            for (String sub : List.of("bin", "container-bin", "app", "data", "logs", "tmp", "containers", "home")) {
                Files.createDirectories(dir.resolve(sub));
            }
            install("docker-standin.py", dir.resolve("bin/docker"));
            install("uv-standin.py", dir.resolve("container-bin/uv"));
            Files.writeString(appDir().resolve(".env"), "SES_SENDER_EMAIL=noreply@dmfenton.net\nIMAGE_TAG=" + IMAGE_TAG + "\n");
            Files.writeString(appDir().resolve("docker-compose.prod.yml"), "services:\n  drawing-agent:\n    image: "
                    + "drawing-agent:${IMAGE_TAG}\n  web-ssr:\n    image: web-ssr:${IMAGE_TAG}\n");
            String registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com/";
            Files.writeString(dir.resolve("containers.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(List.of(
                    Map.of("name", "drawing-agent", "state", "running", "status", "Up 3 days", "image", registry + "drawing-agent:" + IMAGE_TAG),
                    Map.of("name", "web-ssr", "state", "running", "status", "Up 3 days", "image", registry + "web-ssr:" + IMAGE_TAG),
                    Map.of("name", "nginx", "state", "running", "status", "Up 3 days", "image", "nginx:1.27-alpine"))));
            Cmd.of("sqlite3", database().toString(), "CREATE TABLE users (email TEXT PRIMARY KEY, password_sha256 TEXT);"
                    + " CREATE TABLE invites (code TEXT PRIMARY KEY, used INTEGER DEFAULT 0);"
                    + " CREATE TABLE drawings (id INTEGER PRIMARY KEY, title TEXT);"
                    + " INSERT INTO users VALUES ('owner@example.com', 'x');"
                    + " INSERT INTO drawings (title) VALUES ('sunrise'), ('harbour');").run();
            List<String> lines = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                lines.add("INFO request " + i + " GET /api/drawings 200");
            }
            appendLog("drawing-agent", lines);
            appendLog("web-ssr", List.of("ssr listening on 3000"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the host sandbox in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void install(String resource, Path target) throws IOException {
        try (InputStream in = HostSandbox.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource monet/testing/" + resource);
            }
            Files.write(target, in.readAllBytes());
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Override
    public String toString() {
        return "host sandbox " + dir;
    }

}

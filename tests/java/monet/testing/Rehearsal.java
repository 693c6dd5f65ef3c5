package monet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import monet.process.Cmd;
import monet.process.CmdResult;

/**
 * A release rehearsal on the {@link DockerHost}: an app repository with a small API and SSR
 * server (tests/resources/monet/testing/rehearsal/app: the API answers {@code /api/version},
 * a WebSocket on {@code /ws} and writes to SQLite on the data directory; the SSR server renders
 * pages that reference the version's hashed assets), the project's own
 * infrastructure/server/docker-compose.prod.yml and nginx.conf, a deploy bucket, ECR and the
 * app's secrets in moto, and a host directory (app and data, with the TLS certificate nginx
 * serves). {@link #release} runs the real {@code ./jbang release} with {@code --via local}:
 * real {@code docker build}, {@code docker login} with moto's ECR token, pushes and pulls
 * through the ECR registry, {@code docker compose} on the project's file. {@link #get} and
 * {@link #page} look at the site as a browser does: HTTPS through nginx on a loopback port.
 *
 * <p>The compose file and nginx.conf are used as they are except for the substitutions in
 * {@link #hostFiles}: the published ports bound to loopback, and the data volume's path.
 *
 * <pre>{@code
 * try (Rehearsal site = Rehearsal.start(tempDir)) {
 *     site.release("pipeline", "--only", "build-web,sync-web,images,push-images,deploy,verify").exitCode();
 *     site.page("/").assertWhole("1.0.0");
 *     site.newVersion("2.0.0", Map.of("web/src/main.js", ...));
 * }
 * }</pre>
 */
public final class Rehearsal implements AutoCloseable {
    /** The first version, committed and tagged by {@link #start}. */
    public static final String FIRST = "1.0.0";
    private static final Path APP = Repo.file("tests/resources/monet/testing/rehearsal/app");
    private static final Pattern ASSET = Pattern.compile("(?:href|src)=\"(/assets/[^\"]+)\"");
    private static final Pattern SSR = Pattern.compile("<main data-ssr-version=\"([^\"]*)\" data-api-version=\"([^\"]*)\">");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerHost docker = DockerHost.get();
    private final Moto moto = Moto.get();
    private final Path root;
    private final Path repo;
    private final Path app;
    private final Path data;
    private final int httpPort = Moto.freePort();
    private final int httpsPort = Moto.freePort();
    private final String bucket = "deploy-" + UUID.randomUUID().toString().substring(0, 8);
    private final String parameters = "/monet-" + UUID.randomUUID().toString().substring(0, 8) + "/app/";
    private final Map<String, String> env = new LinkedHashMap<>();
    private final HttpClient client;
    private final boolean dataMounted;

    private Rehearsal(Path root) throws Exception {
        Tools.require("aws");
        Tools.require("npm");
        Tools.require("openssl");
        this.root = root.toAbsolutePath();
        this.repo = Files.createDirectories(this.root.resolve("repo"));
        this.app = Files.createDirectories(this.root.resolve("host/app"));
        this.data = Files.createDirectories(this.root.resolve("host/data"));
        docker.removeStack();
        // data.dir is the data volume's mount point on the instance, and deploy refuses anything
        // else: a bind mount of the directory onto itself makes it one here.
        dataMounted = Cmd.of("mount", "--bind", data.toString(), data.toString()).nothrow().run().exitCode() == 0;
        if (!dataMounted) {
            env.put("MONET_DATA_REQUIRE_MOUNT", "false");
        }
        Path certs = Files.createDirectories(data.resolve("certs"));
        Files.createDirectories(data.resolve("acme"));
        Cmd.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", certs.resolve("privkey.pem").toString(),
                "-out", certs.resolve("fullchain.pem").toString()).run();
        Path trustStore = Tls.trustStore(certs.resolve("fullchain.pem"), this.root.resolve("truststore.p12"));
        client = HttpClient.newBuilder().sslContext(Tls.trusting(certs.resolve("fullchain.pem"))).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();

        env.putAll(moto.env());
        env.remove("AWS_PROFILE"); // an empty profile name makes the aws CLI fail
        env.put("DOCKER_CONFIG", Files.createDirectories(this.root.resolve("docker-config")).toString());
        // The verifier (Java) trusts the site's certificate as a browser trusts a real one.
        env.put("JAVA_TOOL_OPTIONS", "-Djavax.net.ssl.trustStore=" + trustStore + " -Djavax.net.ssl.trustStorePassword=" + Tls.STORE_PASSWORD);
        env.put("MONET_APP_DIR", app.toString());
        env.put("MONET_DATA_DIR", data.toString());
        env.put("MONET_DEPLOY_BUCKET", bucket);
        env.put("MONET_APP_PARAMETERS", parameters);
        env.put("MONET_APP_MIGRATE", "python3 migrate.py");
        env.put("MONET_SITE_URL", url(""));
        env.put("MONET_VERIFY_TIMEOUT", "60");
        env.put("MONET_E2E_COMMAND", "echo e2e passed");

        makeCloud();
        makeRepo();
    }

    /** A rehearsal in {@code dir} (a test's temp directory): version {@value #FIRST} committed and tagged, nothing deployed. */
    public static Rehearsal start(Path dir) {
        try {
            return new Rehearsal(dir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up the rehearsal in " + dir + ": " + e.getMessage(), e);
        }
    }

    public DockerHost docker() {
        return docker;
    }

    /** The app's repository (sources, CHANGELOG.md, infrastructure/server). */
    public Path repo() {
        return repo;
    }

    /** app.dir on the host. */
    public Path appDir() {
        return app;
    }

    /** data.dir on the host (the SQLite database, certificates). */
    public Path dataDir() {
        return data;
    }

    public String bucket() {
        return bucket;
    }

    /** The environment {@link #release} runs with (moto, DOCKER_CONFIG, the settings as MONET_ variables). */
    public Map<String, String> env() {
        return env;
    }

    /** The site's URL for a path: HTTPS through nginx on a loopback port. */
    public String url(String path) {
        return "https://127.0.0.1:" + httpsPort + path;
    }

    /** The site's plain-HTTP URL for a path (nginx's port 80). */
    public String httpUrl(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    /** {@code ./jbang release ARGS... --via local}, from the app's repository. */
    public CmdResult release(String... args) {
        List<String> argv = new ArrayList<>(List.of(Repo.file("scripts/release.java").toString()));
        argv.addAll(List.of(args));
        if (!argv.contains("--via")) {
            argv.addAll(List.of("--via", "local"));
        }
        return JBang.run(argv.toArray(String[]::new)).in(repo).env(env).timeout(Duration.ofMinutes(10)).call();
    }

    /** {@code ./jbang release ARGS... --via local} in the background (its output in {@code outputDir}). */
    public JBang.Running startRelease(Path outputDir, String... args) {
        List<String> argv = new ArrayList<>(List.of(Repo.file("scripts/release.java").toString()));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--via", "local"));
        return JBang.run(argv.toArray(String[]::new)).in(repo).env(env).start(outputDir);
    }

    /** Like {@link #release}, failing with its output unless it exits 0. */
    public CmdResult releaseOk(String... args) {
        CmdResult result = release(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("release " + String.join(" ", args) + " exited " + result.exitCode() + ":\n"
                    + result.stdout() + "\n" + result.stderr());
        }
        return result;
    }

    /**
     * Commits a new version of the app: writes the files (paths relative to the repository),
     * adds a changelog section and tags {@code vVERSION}.
     */
    public void newVersion(String version, Map<String, String> files) {
        try {
            for (Map.Entry<String, String> file : files.entrySet()) {
                write(repo.resolve(file.getKey()), file.getValue());
            }
            String changelog = Files.readString(repo.resolve("CHANGELOG.md"));
            write(repo.resolve("CHANGELOG.md"), changelog.replace("## [Unreleased]\n", "## [Unreleased]\n\n## [" + version
                    + "] - 2026-12-01\n\n### Changed\n\n- Version " + version + ".\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git("add", "-A");
        git("commit", "-q", "-m", "Release v" + version);
        git("tag", "-a", "v" + version, "-m", "Release v" + version);
    }

    /** Commits one file on the current branch, without a tag (work after a release). */
    public void newCommit(String relative, String text) {
        try {
            write(repo.resolve(relative), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git("add", relative);
        git("commit", "-q", "-m", "Change " + relative);
    }

    /** A file of the repository. */
    public String read(String relative) {
        try {
            return Files.readString(repo.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET over HTTPS through nginx. */
    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).GET().build());
    }

    /** Any request over HTTPS through nginx. */
    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("no answer to " + request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The HTTPS client (it trusts the site's certificate), for WebSockets and own requests. */
    public HttpClient client() {
        return client;
    }

    /** The version {@code /api/version} reports. */
    public String apiVersion() {
        HttpResponse<String> answer = get("/api/version");
        if (answer.statusCode() != 200) {
            throw new AssertionError("/api/version answered " + answer.statusCode() + ": " + answer.body());
        }
        try {
            return JSON.readTree(answer.body()).path("version").asText();
        } catch (IOException e) {
            throw new AssertionError("/api/version answered " + answer.body(), e);
        }
    }

    /** A page as a browser loads it: the HTML, then every asset it references. */
    public Page page(String path) {
        HttpResponse<String> html = get(path);
        Map<String, HttpResponse<String>> assets = new LinkedHashMap<>();
        Matcher m = ASSET.matcher(html.body());
        while (m.find()) {
            assets.put(m.group(1), get(m.group(1)));
        }
        return new Page(path, html, assets);
    }

    /**
     * A loaded page.
     *
     * @param path   what was asked for
     * @param html   the answer
     * @param assets each referenced asset and its answer
     */
    public record Page(String path, HttpResponse<String> html, Map<String, HttpResponse<String>> assets) {
        /** The version the SSR server rendered it with, or "" for the static fallback. */
        public String ssrVersion() {
            Matcher m = SSR.matcher(html.body());
            return m.find() ? m.group(1) : "";
        }

        /** True when nginx answered with the static index.html because SSR could not. */
        public boolean fallback() {
            return "static".equals(html.headers().firstValue("x-fallback").orElse(""));
        }

        /** The assets that did not answer 200. */
        public List<String> brokenAssets() {
            return assets.entrySet().stream().filter(e -> e.getValue().statusCode() != 200)
                    .map(e -> e.getKey() + " " + e.getValue().statusCode()).toList();
        }

        @Override
        public String toString() {
            return path + ": " + html.statusCode() + (fallback() ? " (static fallback)" : " ssr=" + ssrVersion())
                    + ", assets " + assets.keySet() + (brokenAssets().isEmpty() ? "" : ", broken " + brokenAssets());
        }
    }

    /** The bytes a file of the built frontend has in this repository's dist/ after build-web. */
    public Path dist() {
        return repo.resolve("web/dist");
    }

    /** {@code docker compose} on the host's app directory, as an operator would run it there. */
    public Cmd compose(String... args) {
        List<String> argv = new ArrayList<>(List.of("docker", "compose", "-f", "docker-compose.prod.yml"));
        argv.addAll(List.of(args));
        return Cmd.of(argv).dir(app).timeout(Duration.ofMinutes(3)).env("DOCKER_CONFIG", env.get("DOCKER_CONFIG"));
    }

    private void makeCloud() {
        Cmd setup = Cmd.shell("aws s3 mb s3://" + bucket + " >/dev/null"
                + " && for r in drawing-agent web-ssr; do aws ecr describe-repositories --repository-names $r >/dev/null 2>&1"
                + " || aws ecr create-repository --repository-name $r >/dev/null; done"
                + " && aws ssm put-parameter --overwrite --type SecureString --name " + parameters + "SESSION_SECRET"
                + " --value rehearsal-session >/dev/null").nothrow().env(env);
        CmdResult result = setup.run();
        if (result.exitCode() != 0) {
            throw new IllegalStateException("cannot set up moto: " + result.stderr());
        }
    }

    private void makeRepo() throws IOException {
        copyTree(APP, repo);
        hostFiles();
        write(repo.resolve("CHANGELOG.md"), "# Changelog\n\n## [Unreleased]\n\n## [" + FIRST + "] - 2026-11-01\n\n### Added\n\n"
                + "- First release.\n");
        git("init", "-q", "-b", "main");
        git("add", "-A");
        git("commit", "-q", "-m", "Release v" + FIRST);
        git("tag", "-a", "v" + FIRST, "-m", "Release v" + FIRST);
    }

    /**
     * The project's compose file and nginx.conf as the app's infrastructure/server, with only
     * these substitutions (each must be there): nginx publishes its ports on loopback ports of
     * this test, and the data volume is this test's directory.
     */
    private void hostFiles() throws IOException {
        Map<String, String> compose = new LinkedHashMap<>();
        compose.put("\"80:80\"", "\"127.0.0.1:" + httpPort + ":80\"");
        compose.put("\"443:443\"", "\"127.0.0.1:" + httpsPort + ":443\"");
        compose.put("/home/ec2-user/data", data.toString());
        write(repo.resolve("infrastructure/server/docker-compose.prod.yml"),
                substitute(Files.readString(Repo.file("infrastructure/server/docker-compose.prod.yml")), compose));
        Files.copy(Repo.file("infrastructure/server/nginx.conf"), repo.resolve("infrastructure/server/nginx.conf"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static String substitute(String text, Map<String, String> substitutions) {
        String result = text;
        for (Map.Entry<String, String> s : substitutions.entrySet()) {
            if (!result.contains(s.getKey())) {
                throw new IllegalStateException("docker-compose.prod.yml no longer contains " + s.getKey());
            }
            result = result.replace(s.getKey(), s.getValue());
        }
        return result;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** git in the app's repository. */
    public String git(String... args) {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        return Cmd.of(argv).dir(repo).env("GIT_AUTHOR_NAME", "Rehearsal").env("GIT_AUTHOR_EMAIL", "r@example.com")
                .env("GIT_COMMITTER_NAME", "Rehearsal").env("GIT_COMMITTER_EMAIL", "r@example.com").run().out();
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** Removes the stack's containers; the files stay in the test's directory. */
    @Override
    public void close() {
        docker.removeStack();
        if (dataMounted) {
            Cmd.of("umount", data.toString()).nothrow().run();
        }
    }

    /** The rows of a table in the app's SQLite database, with the real sqlite3. */
    public String sql(String statement) {
        return Cmd.of("sqlite3", data.resolve("code_monet.db").toString(), statement).run().stdout().strip();
    }

    /** The JSON of an answer. */
    public static JsonNode json(HttpResponse<String> answer) {
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + answer.body(), e);
        }
    }
}

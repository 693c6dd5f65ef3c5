package monet.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import monet.MonetException;
import monet.config.Config;
import monet.console.Console;
import monet.host.RemoteShell;
import monet.testing.HostSandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The remote commands, the same on every transport: each subclass supplies a shell that runs
 * scripts on a {@link HostSandbox} (SSM test endpoint, real sshd, this machine). What these cases
 * are for is the transport: output beyond SSM's limits, log lines that share an instant, the
 * password's channel, hostile values, sqlite3's safe mode, a failing health answer. What the
 * commands do to real containers (logs, status, restart, exec, migrate, create-invite,
 * create-user) is {@link RemoteOnDockerTest}'s, on the real engine.
 */
abstract class RemoteCommandsContract {
    static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Console previous;

    /** The host the shell runs on. */
    abstract HostSandbox host();

    /** A shell on that host. */
    abstract RemoteShell shell();

    /** Extra configuration for the transport. */
    Map<String, String> transportConfig() {
        return Map.of();
    }

    @BeforeEach
    void captureConsole() {
        previous = Console.get();
        Console.set(Console.create(Console.Mode.PLAIN, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of()));
    }

    @AfterEach
    void restoreConsole() {
        Console.set(previous);
    }

    Remote remote(boolean json) {
        return remote(json, Map.of());
    }

    Remote remote(boolean json, Map<String, String> extra) {
        Map<String, String> flags = new LinkedHashMap<>(host().config());
        flags.put("site.url", site());
        flags.putAll(transportConfig());
        flags.putAll(extra);
        Config config = Config.load(Map.of(), host().dir(), flags);
        return new Remote(config, new Remote.Options("local", null, null, false, json, Duration.ofSeconds(60)), shell());
    }

    private static com.sun.net.httpserver.HttpServer site;

    /** A stand-in for the public site: /api/version and /ssr-health answer as the real ones do. */
    static synchronized String site() {
        if (site == null) {
            try {
                site = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            site.createContext("/api/version", ex -> answer(ex, "{\"version\": \"" + HostSandbox.IMAGE_TAG + "\"}"));
            site.createContext("/ssr-health", ex -> answer(ex, "{\"status\": \"ok\"}"));
            site.start();
        }
        return "http://127.0.0.1:" + site.getAddress().getPort();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (var o = exchange.getResponseBody()) {
            o.write(bytes);
        }
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    void reset() {
        out.reset();
        err.reset();
    }

    @Test
    void logsPrintEveryRequestedLineEvenBeyondSsmsOutputLimit() {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 5200; i++) {
            lines.add("INFO bulk line " + i + " GET /api/drawings/" + i + " 200 in 12ms user=someone@example.com");
        }
        host().appendLog("drawing-agent", lines);
        assertThat(remote(false).logs(null, 5000, null, false)).isZero();
        List<String> printed = out().lines().toList();
        assertThat(printed).hasSize(5000);
        assertThat(printed.get(0)).startsWith("INFO bulk line 201 ");
        assertThat(printed.get(4999)).startsWith("INFO bulk line 5200 ");
        assertThat(host().dockerCalls()).contains(List.of("logs", "--tail", "5000", "drawing-agent"));
    }

    @Test
    void followPrintsNewLinesOnceWithoutGaps() {
        Instant shared = Instant.now().minusSeconds(60);
        host().appendLogAt("web-ssr", shared, List.of("same-instant A", "same-instant B"));
        int[] rounds = {0};
        int code = remote(false).follow("web-ssr", 2, null, false, Duration.ofMillis(10), () -> {
            rounds[0]++;
            if (rounds[0] == 1) {
                host().appendLogAt("web-ssr", shared, List.of("same-instant C"));
                host().appendLog("web-ssr", List.of("later D", "later E"));
            }
            return rounds[0] < 3;
        });
        assertThat(code).isZero();
        assertThat(out().lines().toList()).containsExactly("same-instant A", "same-instant B", "same-instant C", "later D", "later E");
    }

    @Test
    void statusFailsWhenTheSiteDoesNotAnswer() throws Exception {
        assertThat(remote(true, Map.of("site.url", "http://127.0.0.1:" + monet.testing.Moto.freePort())).status()).isEqualTo(1);
        assertThat(JSON.readTree(out()).get("api_version").get("ok").asBoolean()).isFalse();
        assertThat(err()).contains("not healthy");
    }

    @Test
    void versionIsTheRunningImageTag() throws Exception {
        assertThat(remote(false).version()).isZero();
        assertThat(out().strip()).isEqualTo(HostSandbox.IMAGE_TAG);
        reset();
        assertThat(remote(true).version()).isZero();
        assertThat(JSON.readTree(out()).get("image_tag").asText()).isEqualTo(HostSandbox.IMAGE_TAG);
    }

    @Test
    void createUserDeliversThePasswordOnlyThroughTheSecretChannel() throws Exception {
        String password = "pa$$ 'word\" `id` ;x";
        String email = "o'neil+" + getClass().getSimpleName().toLowerCase() + "@example.com";
        assertThat(remote(false).createUser(email, new Passwords.Password(password, false))).as(err()).isZero();
        assertThat(host().sql("SELECT password_sha256 FROM users WHERE email = '" + email.replace("'", "''") + "'"))
                .isEqualTo(sha256(password));
        assertThat(out()).contains("created user " + email).doesNotContain(password);
        assertThat(host().dockerCalls().toString()).doesNotContain("pa$$");
        assertThat(host().appCliCalls()).contains(List.of("run", "python", "-m", "drawing_agent.cli", "create-user",
                "--password-stdin", email));
    }

    @Test
    void shellRunsOnTheHostAndReturnsItsExitCode() throws Exception {
        assertThat(remote(false).shell(List.of("echo", "on", "host;", "echo", "oops", ">&2;", "exit", "3"))).isEqualTo(3);
        assertThat(out().strip()).isEqualTo("on host");
        assertThat(err()).contains("oops");
        reset();
        assertThat(remote(true).shell(List.of("printf ok"))).isZero();
        JsonNode result = JSON.readTree(out());
        assertThat(result.get("exit_code").asInt()).isZero();
        assertThat(result.get("stdout").asText()).isEqualTo("ok");
    }

    @Test
    void dbQueriesReadOnlyUnlessWrite() throws Exception {
        assertThat(remote(false).db(null, false)).isZero();
        assertThat(out().lines().toList()).contains("drawings", "invites", "users");
        reset();
        assertThat(remote(true).db("SELECT title FROM drawings ORDER BY id", false)).isZero();
        assertThat(JSON.readTree(out()).get(0).get("title").asText()).isEqualTo("sunrise");
        reset();
        assertThat(remote(false).db("INSERT INTO drawings (title) VALUES ('x')", false)).isNotZero();
        assertThat(err()).contains("readonly");
        assertThat(remote(false).db("INSERT INTO drawings (title) VALUES ('written')", true)).isZero();
        assertThat(host().sql("SELECT count(*) FROM drawings WHERE title = 'written'")).isEqualTo("1");
    }

    @Test
    void hostileValuesNeverRunAnything() throws Exception {
        Path marker = host().dir().resolve("PWNED");
        String touch = "touch " + marker;
        List<String> breakOuts = List.of("'; " + touch + "; '", "\"; " + touch + "; \"", "x' && " + touch + " && echo '",
                "'\"'\"; " + touch + " #");
        List<String> substitutions = List.of("$(" + touch + ")", "`" + touch + "`", "x\n" + touch, "x; " + touch);
        // exec and shell run a command line by design: text that would only break out of naive quoting stays inert
        for (String hostile : breakOuts) {
            remote(false).exec(List.of(hostile));
            remote(false).shell(List.of(hostile));
            assertThat(marker).as("exec/shell " + hostile).doesNotExist();
            assertThat(host().dockerCalls()).contains(List.of("exec", "drawing-agent", "sh", "-c", hostile));
        }
        List<String> all = new ArrayList<>(breakOuts);
        all.addAll(substitutions);
        for (String hostile : all) {
            remote(false).db("SELECT '" + hostile.replace("'", "''") + "'", false);
            assertThatThrownBy(() -> remote(false).restart(hostile)).isInstanceOf(MonetException.class);
            assertThatThrownBy(() -> remote(false).logs(hostile, 1, null, false)).isInstanceOf(MonetException.class);
            assertThatThrownBy(() -> remote(false).logs(null, 1, hostile, false)).isInstanceOf(MonetException.class);
            assertThatThrownBy(() -> remote(false).createUser(hostile + "@example.com", Passwords.generate()))
                    .isInstanceOf(MonetException.class);
            assertThat(marker).as("after " + hostile).doesNotExist();
        }
        String validButNasty = "`touch${IFS}PWNED`$IFS{x}@example.com";
        assertThat(remote(false).createUser(validButNasty, new Passwords.Password("$(" + touch + ")", false))).as(err()).isZero();
        assertThat(marker).doesNotExist();
        assertThat(host().dir().resolve("containers/drawing-agent/PWNED")).doesNotExist();
        assertThat(host().sql("SELECT count(*) FROM users WHERE email = '" + validButNasty + "'")).isEqualTo("1");
    }

    @Test
    void dbIsReadOnlyAndSafeUnlessWriteAndNeverRunsAnythingElse() throws Exception {
        Path shellMarker = host().dir().resolve("DB-SHELL");
        assertThat(remote(false).db(".shell touch " + shellMarker, false)).isNotZero();
        assertThat(err()).contains("safe mode");
        assertThat(shellMarker).doesNotExist();
        // the bypass: a second sqlite3, started by .shell, writing the "read-only" database
        assertThat(remote(false).db(".shell sqlite3 " + host().database() + " \"INSERT INTO drawings (title) VALUES ('bypass')\"", false))
                .isNotZero();
        assertThat(host().sql("SELECT count(*) FROM drawings WHERE title = 'bypass'")).isEqualTo("0");
        reset();
        Path written = host().dir().resolve("DB-WRITEFILE");
        assertThat(remote(false).db("SELECT writefile('" + written + "', 'x')", false)).isNotZero();
        assertThat(err()).contains("cannot use the writefile() function in safe mode");
        assertThat(written).doesNotExist();
        reset();
        assertThat(remote(false).db("SELECT load_extension('" + host().dir().resolve("ext.so") + "')", false)).isNotZero();
        assertThat(err()).contains("cannot use the load_extension() function in safe mode");
        reset();
        Path other = host().dir().resolve("attached.db");
        assertThat(remote(false).db("ATTACH '" + other + "' AS o; CREATE TABLE o.t (x)", false)).isNotZero();
        assertThat(err()).contains("cannot run ATTACH in safe mode");
        assertThat(other).doesNotExist();
        // --write writes the database, and still nothing else
        reset();
        assertThat(remote(false).db(".shell touch " + shellMarker, true)).isNotZero();
        assertThat(shellMarker).doesNotExist();
        assertThat(remote(false).db("ATTACH '" + other + "' AS o; CREATE TABLE o.t (x)", true)).isNotZero();
        assertThat(other).doesNotExist();
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}

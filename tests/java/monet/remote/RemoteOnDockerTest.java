package monet.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import monet.host.HostScripts;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.testing.DockerHost;
import monet.testing.JBang;
import monet.testing.Moto;
import monet.testing.Rehearsal;
import monet.testing.Repo;
import monet.testing.Sshd;
import monet.testing.SsmEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./jbang remote} against the real stack on the rehearsal host ({@link Rehearsal}:
 * the project's compose file and nginx.conf, the app's images released by {@code ./jbang release}),
 * through the three transports: {@code --via local}, {@code --via ssm} (the SSM test endpoint,
 * whose commands run with /bin/sh on this machine, so they reach the real dockerd) and
 * {@code --via ssh} (a real sshd on loopback). What each command did is checked from outside:
 * over HTTPS through nginx, in the SQLite file on the data volume, with {@code docker inspect}.
 * One stack for the class, started once; the scenarios build on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteOnDockerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    Rehearsal site;
    SsmEndpoint ssm;
    Sshd sshd;
    /** What the host's shell needs besides the machine's own: curl trusts the site's certificate, as a real one is trusted. */
    Map<String, String> hostEnv;

    enum Via { LOCAL, SSM, SSH }

    @BeforeAll
    void start(@TempDir Path tmp) {
        site = Rehearsal.start(tmp.resolve("site"));
        site.env().put("ANTHROPIC_API_KEY", "rehearsal-key");
        long started = System.nanoTime();
        site.releaseOk("pipeline", "--only", "e2e,build-web,sync-web,images,push-images,deploy,verify");
        // What the stack costs the class (the Docker time a CI run spends on it), beside the scenarios' own times.
        System.err.printf("RemoteOnDockerTest: stack released in %.1f s%n", (System.nanoTime() - started) / 1e9);
        hostEnv = Map.of("CURL_CA_BUNDLE", site.dataDir().resolve("certs/fullchain.pem").toString(),
                "PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        // The endpoint's sandbox puts the docker stand-in first on PATH: the machine's PATH instead, for the real engine.
        ssm = SsmEndpoint.start(tmp.resolve("ssm")).proxyTo(Moto.get().endpoint()).hostEnv(hostEnv);
        sshd = Sshd.start(tmp.resolve("sshd"), hostEnv);
    }

    @AfterAll
    void stop() {
        if (sshd != null) {
            sshd.close();
        }
        if (ssm != null) {
            ssm.stop();
        }
        if (site != null) {
            site.close();
        }
    }

    /** {@code ./jbang remote COMMAND ARGS...} through a transport, from the app's repository. */
    CmdResult remote(Via via, String stdin, String... args) {
        return jbangRemote(via, args).stdin(stdin).call();
    }

    JBang jbangRemote(Via via, String... args) {
        List<String> argv = new ArrayList<>(List.of(Repo.file("scripts/remote.java").toString()));
        argv.add(args[0]);
        Map<String, String> env = new LinkedHashMap<>(site.env());
        switch (via) {
            case LOCAL -> {
                argv.addAll(List.of("--via", "local"));
                env.putAll(hostEnv);
            }
            case SSM -> {
                argv.addAll(List.of("--via", "ssm", "--instance", SsmEndpoint.DEFAULT_INSTANCE));
                env.put("AWS_ENDPOINT_URL_SSM", ssm.endpoint());
            }
            case SSH -> {
                argv.addAll(List.of("--via", "ssh"));
                sshd.config().forEach((key, value) -> argv.addAll(List.of("--set", key + "=" + value)));
            }
        }
        argv.addAll(List.of(args).subList(1, args.length));
        return JBang.run(argv.toArray(String[]::new)).in(site.repo()).env(env).timeout(Duration.ofMinutes(3));
    }

    CmdResult remoteOk(Via via, String... args) {
        CmdResult result = remote(via, "", args);
        assertThat(result.exitCode()).as(via + " remote " + String.join(" ", args) + ":\n" + result.stdout() + "\n"
                + result.stderr()).isZero();
        return result;
    }

    String inspect(String format, String container) {
        return site.docker().docker("inspect", "--format", format, container).run().stdout().strip();
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 60 s: " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    boolean answers(String path, int status) {
        try {
            return site.get(path).statusCode() == status;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @Order(1)
    void statusReportsTheStacksContainersTheirTagsAndWhatTheSiteAnswersOnEveryTransport() {
        // Not the site's: a container of something else, and the stopped one-off a killed `compose run` leaves.
        site.docker().docker("create", "--name", "not-the-sites", DockerHost.BASE_IMAGE, "true").run();
        site.compose("run", "-T", "--no-deps", "drawing-agent", "true").run();
        try {
            assertThat(site.docker().docker("ps", "-a", "--format", "{{.Names}} {{.State}}").run().stdout())
                    .contains("not-the-sites created").containsPattern("monet-drawing-agent-run-\\w+ exited");
            statusOnEveryTransport();
        } finally {
            site.docker().docker("rm", "-f", "not-the-sites").run();
            String oneOff = site.docker().docker("ps", "-aq", "--filter", "label=com.docker.compose.oneoff=True").run().stdout().strip();
            if (!oneOff.isEmpty()) {
                site.docker().docker("rm", "-f", oneOff.split("\\s+")[0]).run();
            }
        }
    }

    private void statusOnEveryTransport() {
        for (Via via : List.of(Via.LOCAL, Via.SSM)) {
            JsonNode status = json(remoteOk(via, "status", "--json").stdout());
            Map<String, JsonNode> containers = new LinkedHashMap<>();
            status.get("containers").forEach(c -> containers.put(c.get("name").asText(), c));
            assertThat(containers).as(via + ": " + status).containsOnlyKeys("nginx", "drawing-agent", "web-ssr");
            for (String name : List.of("nginx", "drawing-agent", "web-ssr")) {
                JsonNode c = containers.get(name);
                assertThat(c.get("state").asText()).as(via + " " + name).isEqualTo(inspect("{{.State.Status}}", name)).isEqualTo("running");
                assertThat(c.get("image").asText()).as(via + " " + name).isEqualTo(inspect("{{.Config.Image}}", name));
                assertThat(c.get("status").asText()).as(via + " " + name).startsWith("Up ");
            }
            assertThat(containers.get("drawing-agent").get("tag").asText()).isEqualTo(Rehearsal.FIRST);
            assertThat(containers.get("web-ssr").get("tag").asText()).isEqualTo(Rehearsal.FIRST);
            assertThat(containers.get("nginx").get("tag").asText()).isEqualTo("1.27-alpine");
            assertThat(status.get("disk")).hasSize(2);
            assertThat(status.get("disk").get(1).get("path").asText()).isEqualTo(site.dataDir().toString());
            assertThat(status.get("api_version").get("http_status").asInt()).isEqualTo(200);
            assertThat(json(status.get("api_version").get("body").asText()).get("version").asText()).isEqualTo(Rehearsal.FIRST);
            assertThat(status.get("ssr_health").get("http_status").asInt()).isEqualTo(200);
            assertThat(status.get("ssr_health").get("body").asText()).isEqualTo(site.get("/ssr-health").body()).isEqualTo("healthy");
        }
        String text = remoteOk(Via.SSH, "status").stdout();
        assertThat(text).containsPattern("drawing-agent\\s+running\\s+" + Rehearsal.FIRST.replace(".", "\\.") + "\\s+Up ")
                .containsPattern("api-version:\\s+HTTP 200").containsPattern("ssr-health:\\s+HTTP 200\\s+healthy");
    }

    @Test
    @Order(2)
    void logsAreTheContainersOwnLinesWithTailAndSince() throws Exception {
        String before = "/api/remote-logs-" + UUID.randomUUID();
        assertThat(site.get(before).statusCode()).isEqualTo(404);
        Instant between = Instant.now();
        Thread.sleep(20);
        String after = "/api/remote-logs-" + UUID.randomUUID();
        assertThat(site.get(after).statusCode()).isEqualTo(404);

        // The compose file's health check adds a line every 30 s: at most one falls among the last three.
        List<String> tail = remoteOk(Via.LOCAL, "logs", "-n", "3").stdout().lines().toList();
        List<String> all = Cmd.shell("docker logs drawing-agent 2>&1").run().stdout().lines().toList();
        assertThat(tail).hasSize(3).anyMatch(line -> line.contains("\"GET " + after + " HTTP/1.1\" 404"));
        assertThat(Collections.indexOfSubList(all, tail)).as("the container's own lines, in order: " + tail).isNotNegative();

        String since = remoteOk(Via.LOCAL, "logs", "-n", "-1", "--timestamps", "--since", between.toString()).stdout();
        assertThat(since).contains(after).doesNotContain(before).doesNotContain("listening on 8000");
        assertThat(since.lines().toList()).allMatch(line -> line.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z .*"));
        assertThat(remoteOk(Via.SSH, "logs", "-n", "-1", "--since", "2h").stdout()).contains("drawing-agent " + Rehearsal.FIRST + " listening on 8000",
                before, after);
        assertThat(remoteOk(Via.SSM, "logs", "--service", "web-ssr").stdout()).contains("web-ssr " + Rehearsal.FIRST + " listening on 3000");
    }

    @Test
    @Order(3)
    void versionAndExecAreTheRunningContainers() {
        assertThat(remoteOk(Via.SSH, "version", "--json").stdout()).contains("\"image_tag\" : \"" + Rehearsal.FIRST + "\"");
        CmdResult exec = remote(Via.LOCAL, "", "exec", "echo \"$APP_VERSION $DATA_DIR\"; hostname; exit 3");
        assertThat(exec.exitCode()).as(exec.stderr()).isEqualTo(3);
        assertThat(exec.stdout().lines().toList()).containsExactly(Rehearsal.FIRST + " /app/data",
                inspect("{{.Config.Hostname}}", "drawing-agent"));
        JsonNode overSsm = json(remoteOk(Via.SSM, "exec", "--json", "cat /proc/1/cmdline | tr '\\0' ' '").stdout());
        assertThat(overSsm.get("stdout").asText()).isEqualTo("python3 /app/app.py ");
    }

    @Test
    @Order(4)
    void migrateRunsInAOneOffContainerOfTheRunningImageAndDbReadsTheDataVolume() throws Exception {
        String migrated = remoteOk(Via.LOCAL, "migrate").stdout();
        assertThat(migrated).contains("applied 001_drawings.sql", "migrated=" + Rehearsal.FIRST);
        assertThat(site.sql("SELECT name FROM schema_migrations")).isEqualTo("001_drawings.sql");
        assertThat(Files.readString(site.appDir().resolve(HostScripts.AUDIT))).contains("action=migrate version=" + Rehearsal.FIRST
                + " result=ok");
        assertThat(site.docker().docker("ps", "-aq", "--filter", "label=com.docker.compose.oneoff=True").run().stdout().strip())
                .as("the one-off container is removed").isEmpty();

        HttpResponse<String> created = site.send(HttpRequest.newBuilder(URI.create(site.url("/api/drawings")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"sunrise\"}")).timeout(Duration.ofSeconds(10)).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode rows = json(remoteOk(Via.SSM, "db", "--json", "SELECT title FROM drawings ORDER BY id").stdout());
        assertThat(rows.get(0).get("title").asText()).isEqualTo("sunrise");

        CmdResult readOnly = remote(Via.LOCAL, "", "db", "INSERT INTO drawings (title) VALUES ('not written')");
        assertThat(readOnly.exitCode()).isNotZero();
        assertThat(readOnly.stderr()).contains("readonly");
        remoteOk(Via.LOCAL, "db", "--write", "INSERT INTO drawings (title) VALUES ('written by db')");
        assertThat(site.get("/api/drawings").body()).as("what the API serves through nginx").contains("written by db")
                .doesNotContain("not written");

        Path marker = site.dataDir().resolve("DB-SHELL");
        CmdResult shell = remote(Via.LOCAL, "", "db", "--write", ".shell touch " + marker);
        assertThat(shell.exitCode()).isNotZero();
        assertThat(shell.stderr()).contains("safe mode");
        Path written = site.dataDir().resolve("DB-WRITEFILE");
        CmdResult writefile = remote(Via.SSH, "", "db", "SELECT writefile('" + written + "', 'x')");
        assertThat(writefile.exitCode()).isNotZero();
        assertThat(writefile.stderr()).contains("cannot use the writefile() function in safe mode");
        Path attached = site.dataDir().resolve("attached.db");
        CmdResult attach = remote(Via.SSM, "", "db", "--write", "ATTACH '" + attached + "' AS o; CREATE TABLE o.t (x)");
        assertThat(attach.exitCode()).isNotZero();
        assertThat(attach.stderr()).contains("cannot run ATTACH in safe mode");
        assertThat(marker).doesNotExist();
        assertThat(written).doesNotExist();
        assertThat(attached).doesNotExist();
    }

    @Test
    @Order(5)
    void createInviteAndCreateUserRunTheAppsCliInTheContainer() throws Exception {
        String code = remoteOk(Via.SSH, "create-invite").stdout().strip();
        assertThat(code).matches("[0-9A-F]{8}");
        assertThat(site.sql("SELECT code FROM invites")).isEqualTo(code);

        String password = "pa$$ 'word\" `id` ;x";
        CmdResult overSsm = remote(Via.SSM, password + "\n", "create-user", "ann@example.com", "--password-stdin");
        assertThat(overSsm.exitCode()).as(overSsm.stderr()).isZero();
        assertThat(overSsm.stdout()).contains("created user ann@example.com");
        assertThat(site.sql("SELECT password_sha256 FROM users WHERE email = 'ann@example.com'")).isEqualTo(sha256(password));
        // (the one-time SecureString parameter holds it: PutParameter, proxied to moto)
        assertThat(ssm.calls().stream().filter(call -> call.path("action").asText().equals("SendCommand")).toList().toString())
                .as("no command sent to SSM names the password").contains("create-user").doesNotContain("'word");
        assertThat(overSsm.stdout() + overSsm.stderr()).doesNotContain("'word");

        JsonNode generated = json(remoteOk(Via.LOCAL, "create-user", "bob@example.com", "--json").stdout());
        assertThat(site.sql("SELECT password_sha256 FROM users WHERE email = 'bob@example.com'"))
                .isEqualTo(sha256(generated.get("password").asText()));
        CmdResult again = remote(Via.LOCAL, "", "create-user", "bob@example.com", "--json");
        assertThat(again.exitCode()).as("the CLI's own exit code").isEqualTo(1);
        assertThat(again.stderr()).contains("user bob@example.com already exists");
    }

    @Test
    @Order(6)
    void restartReallyRestartsTheServiceAndTheSiteAnswersAgainThroughNginx() {
        String apiStarted = inspect("{{.State.StartedAt}}", "drawing-agent");
        String ssrStarted = inspect("{{.State.StartedAt}}", "web-ssr");
        String boots = site.sql("SELECT count(*) FROM boots");

        remoteOk(Via.LOCAL, "restart");
        assertThat(inspect("{{.State.StartedAt}}", "drawing-agent")).isNotEqualTo(apiStarted);
        assertThat(inspect("{{.State.StartedAt}}", "web-ssr")).as("only the service asked for").isEqualTo(ssrStarted);
        await("/api/version through nginx", () -> answers("/api/version", 200));
        assertThat(site.apiVersion()).isEqualTo(Rehearsal.FIRST);
        assertThat(Integer.parseInt(site.sql("SELECT count(*) FROM boots"))).as("the app started once more")
                .isEqualTo(Integer.parseInt(boots) + 1);

        remoteOk(Via.SSM, "restart", "web-ssr");
        assertThat(inspect("{{.State.StartedAt}}", "web-ssr")).isNotEqualTo(ssrStarted);
        await("a server-rendered page through nginx", () -> {
            Rehearsal.Page page = site.page("/");
            return page.html().statusCode() == 200 && !page.fallback() && page.brokenAssets().isEmpty();
        });
        assertThat(site.page("/").ssrVersion()).isEqualTo(Rehearsal.FIRST);

        CmdResult unknown = remote(Via.LOCAL, "", "restart", "no-such-service");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("no such service: no-such-service");
    }

    @Test
    @Order(7)
    void followPrintsEachNewLineOnceWithoutGaps(@TempDir Path out) {
        try (JBang.Running follow = jbangRemote(Via.LOCAL, "logs", "--follow", "-n", "1", "--every", "0.3").start(out)) {
            await("the first line", () -> !follow.stdout().isBlank());
            List<String> markers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                markers.add("/api/follow-" + i + "-" + UUID.randomUUID());
                site.get(markers.get(i));
                Thread.sleep(120);
            }
            follow.awaitStdout(markers.get(7), Duration.ofSeconds(30));
            follow.signal("INT");
            assertThat(follow.waitFor(Duration.ofSeconds(30))).isEqualTo(130);
            List<String> printed = follow.stdout().lines().toList();
            for (String marker : markers) {
                assertThat(printed.stream().filter(line -> line.contains("GET " + marker + " "))).as(marker).hasSize(1);
            }
            List<String> all = Cmd.shell("docker logs drawing-agent 2>&1").run().stdout().lines().toList();
            assertThat(Collections.indexOfSubList(all, printed)).as("the container's own lines, none twice, none missed: " + printed)
                    .isNotNegative();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package monet.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import monet.process.Cmd;
import monet.host.HostScripts;
import monet.process.CmdResult;
import monet.testing.DockerHost;
import monet.testing.Rehearsal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release side of a release on the rehearsal host ({@link Rehearsal}): what reaches the
 * registry, which commit the images and the audit log name, the integration settings, and the
 * database backup before migrations. One stack for the class; the scenarios build on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseOnDockerTest {
    Rehearsal site;

    @BeforeAll
    void start(@TempDir Path tmp) {
        site = Rehearsal.start(tmp);
        site.docker().forgetAppImages();
        site.env().put("ANTHROPIC_API_KEY", "rehearsal-key");
    }

    @AfterAll
    void stop() {
        if (site != null) {
            site.close();
        }
    }

    private String ecrTags() {
        return "drawing-agent " + site.docker().ecrTags("drawing-agent") + ", web-ssr " + site.docker().ecrTags("web-ssr");
    }

    @Test
    @Order(1)
    void aFailedE2ePushesNothingThoughTheImagesWereBuiltBesideIt() {
        site.env().put("MONET_E2E_COMMAND", "echo the e2e tests failed >&2; exit 3");

        CmdResult result = site.release("pipeline");

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        assertThat(result.stderr()).contains("e2e").contains("exited with 3");
        assertThat(site.docker().ecrTags("drawing-agent")).as(ecrTags()).isEmpty();
        assertThat(site.docker().ecrTags("web-ssr")).as(ecrTags()).isEmpty();
        for (String repository : new String[] {"drawing-agent", "web-ssr"}) {
            assertThat(site.docker().docker("image", "inspect", DockerHost.ECR_HOST + "/" + repository + ":" + Rehearsal.FIRST)
                    .nothrow().run().exitCode()).as(repository + " built beside e2e").isZero();
        }
    }

    @Test
    @Order(2)
    void aReleaseStartedByHandNamesTheTagsCommitNotTheBranchHead() throws Exception {
        site.env().put("MONET_E2E_COMMAND", "echo e2e passed");
        String tagged = site.git("rev-parse", "v" + Rehearsal.FIRST + "^{commit}");
        site.newCommit("README.md", "work after the release\n");
        String head = site.git("rev-parse", "HEAD");
        site.env().put("MONET_RELEASE_VERSION", Rehearsal.FIRST);

        CmdResult offTag = site.release("images");
        assertThat(offTag.exitCode()).as(offTag.stderr()).isEqualTo(1);
        assertThat(offTag.stderr()).contains("HEAD is " + head + ", not v1.0.0's commit " + tagged,
                "check out v1.0.0 first");

        // What workflow_dispatch does: the tag checked out, GITHUB_SHA the head of main.
        site.git("checkout", "-q", "v" + Rehearsal.FIRST);
        site.env().put("GITHUB_SHA", head);
        try {
            CmdResult released = site.releaseOk("pipeline", "--only", "e2e,build-web,sync-web,images,push-images,deploy,verify");
            assertThat(released.stderr()).contains("version 1.0.0 (--version 1.0.0), commit " + tagged);
        } finally {
            site.env().remove("GITHUB_SHA");
            site.env().remove("MONET_RELEASE_VERSION");
            site.git("checkout", "-q", "main");
        }

        JsonNode version = Rehearsal.json(site.get("/api/version"));
        assertThat(version.path("version").asText()).isEqualTo(Rehearsal.FIRST);
        assertThat(version.path("commit").asText()).as("the COMMIT build argument").isEqualTo(tagged);
        assertThat(Files.readString(site.appDir().resolve(HostScripts.AUDIT))).contains("commit=" + tagged)
                .doesNotContain(head);
        assertThat(site.docker().ecrTags("drawing-agent")).containsExactlyInAnyOrder(Rehearsal.FIRST, "latest");
        assertThat(site.docker().ecrTags("web-ssr")).containsExactlyInAnyOrder(Rehearsal.FIRST, "latest");
    }

    @Test
    @Order(3)
    void anAppWithItsOwnBuildArgumentAndSsrHealthPathIsReleasedBySettingsAlone() {
        String api = site.read("server/Dockerfile");
        String ssr = site.read("web/Dockerfile");
        String server = site.read("web/server.mjs");
        assertThat(api).contains("ARG VERSION\n", "APP_VERSION=$VERSION");
        assertThat(ssr).contains("ARG VERSION\n", "APP_VERSION=$VERSION");
        assertThat(server).contains(".end('healthy')");
        site.newVersion("1.1.0", Map.of(
                "server/Dockerfile", api.replace("ARG VERSION\n", "ARG RELEASE\n").replace("APP_VERSION=$VERSION", "APP_VERSION=$RELEASE"),
                "web/Dockerfile", ssr.replace("ARG VERSION\n", "ARG RELEASE\n").replace("APP_VERSION=$VERSION", "APP_VERSION=$RELEASE")
                        .replace("WORKDIR /app", "ENV SSR_HEALTH_PATH=/internal/health\nWORKDIR /app"),
                "web/server.mjs", server.replace(".end('healthy')", ".end('{\"status\": \"ok\"}')")));
        // A first deploy of such an app: a running nginx picking up a changed nginx.conf is the deploy's concern.
        site.docker().removeStack();
        // Kept for the later scenarios: the app keeps its own names from here on.
        site.env().put("MONET_IMAGE_BUILD_ARGS", "RELEASE={version},COMMIT={commit}");
        site.env().put("MONET_SSR_HEALTH_PATH", "/internal/health");
        site.env().put("MONET_VERIFY_SSR_HEALTHY", "\"status\":\\s*\"ok\"");
        site.releaseOk("pipeline", "--only", "e2e,build-web,sync-web,images,push-images,deploy,verify");

        assertThat(site.apiVersion()).isEqualTo("1.1.0");
        assertThat(site.page("/").ssrVersion()).isEqualTo("1.1.0");
        HttpResponse<String> health = site.get("/ssr-health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\": \"ok\"}");
        assertThat(site.docker().docker("inspect", "--format", "{{json .Config.Healthcheck.Test}}", "web-ssr").run().stdout())
                .as("the compose file's SSR health check").contains("http://127.0.0.1:3000/internal/health")
                .doesNotContain("/ssr-health");
    }

    private List<String> backups() throws Exception {
        Path dir = site.dataDir().resolve("backups");
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private String sqlite(Path database, String sql) {
        return Cmd.of("sqlite3", database.toString(), sql).run().stdout().strip();
    }

    @Test
    @Order(4)
    void migrateBacksTheDatabaseUpAndRollbackRestoreDbPutsItBackOnlyWhenConfirmedAndStillFitting() throws Exception {
        Path database = site.dataDir().resolve("code_monet.db");
        site.releaseOk("migrate");
        HttpResponse<String> created = site.send(HttpRequest.newBuilder(URI.create(site.url("/api/drawings")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"sunrise\"}")).timeout(Duration.ofSeconds(10)).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        site.newVersion("1.2.0", Map.of("server/migrations/002_colour.sql",
                "ALTER TABLE drawings ADD COLUMN colour TEXT NOT NULL DEFAULT 'black';\n"
                        + "CREATE TABLE palettes (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"));
        site.releaseOk("pipeline", "--only", "e2e,build-web,sync-web,images,push-images,migrate,deploy,verify");

        assertThat(site.apiVersion()).isEqualTo("1.2.0");
        assertThat(sqlite(database, "SELECT name FROM pragma_table_info('drawings') WHERE name = 'colour'")).isEqualTo("colour");
        String backup = backups().stream().filter(name -> name.startsWith("before-1.2.0.")).findFirst().orElseThrow();
        Path taken = site.dataDir().resolve("backups").resolve(backup);
        assertThat(sqlite(taken, "SELECT name FROM pragma_table_info('drawings')")).as("the schema before 002")
                .isEqualTo("id\ntitle");
        assertThat(sqlite(taken, "SELECT title FROM drawings")).isEqualTo("sunrise");
        assertThat(Files.readString(site.appDir().resolve(HostScripts.AUDIT))).contains("action=backup version=1.2.0 file=" + backup);
        site.send(HttpRequest.newBuilder(URI.create(site.url("/api/drawings")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"after the upgrade\"}")).timeout(Duration.ofSeconds(10)).build());

        CmdResult unconfirmed = site.release("rollback", "--restore-db");
        assertThat(unconfirmed.exitCode()).as(unconfirmed.stderr()).isEqualTo(2);
        assertThat(unconfirmed.stderr()).contains(backup, "confirm with --yes");
        assertThat(sqlite(database, "SELECT count(*) FROM pragma_table_info('drawings')")).as("nothing changed").isEqualTo("3");
        assertThat(site.apiVersion()).isEqualTo("1.2.0");

        // A rollback that cannot pull its images after the restore: the restore is undone.
        site.docker().deleteEcrTag("drawing-agent", "1.1.0");
        CmdResult unpulled = site.release("rollback", "--restore-db", "--yes");
        assertThat(unpulled.exitCode()).as(unpulled.stderr()).isEqualTo(1);
        assertThat(unpulled.stderr()).contains("rolled back: restore-db");
        assertThat(site.apiVersion()).isEqualTo("1.2.0");
        assertThat(sqlite(database, "SELECT title FROM drawings ORDER BY id")).isEqualTo("sunrise\nafter the upgrade");
        assertThat(sqlite(database, "SELECT count(*) FROM pragma_table_info('drawings')")).isEqualTo("3");
        assertThat(Files.readString(site.appDir().resolve(HostScripts.AUDIT))).contains("action=restore-db version=1.2.0 file=replaced-")
                .contains("result=undone");
        List<String> keptBefore = backups().stream().filter(name -> name.startsWith("replaced-")).toList();
        site.docker().docker("push", DockerHost.ECR_HOST + "/drawing-agent:1.1.0").env("DOCKER_CONFIG", site.env().get("DOCKER_CONFIG"))
                .run();

        CmdResult restored = site.releaseOk("rollback", "--restore-db", "--yes");

        assertThat(site.apiVersion()).isEqualTo("1.1.0");
        assertThat(sqlite(database, "SELECT name FROM pragma_table_info('drawings')")).isEqualTo("id\ntitle");
        assertThat(sqlite(database, "SELECT count(*) FROM sqlite_master WHERE name = 'palettes'")).isEqualTo("0");
        assertThat(sqlite(database, "SELECT title FROM drawings")).isEqualTo("sunrise");
        String replaced = backups().stream().filter(name -> name.startsWith("replaced-") && !keptBefore.contains(name))
                .findFirst().orElseThrow();
        assertThat(sqlite(site.dataDir().resolve("backups").resolve(replaced), "SELECT title FROM drawings ORDER BY id"))
                .as("what was replaced is kept").isEqualTo("sunrise\nafter the upgrade");
        assertThat(restored.stderr()).contains("restored " + backup);
        assertThat(Files.readString(site.appDir().resolve(HostScripts.AUDIT))).contains("action=restore-db version=1.2.0 file="
                + backup + " replaced=" + replaced + " result=ok");

        CmdResult stale = site.release("rollback", "--restore-db", "--yes");
        assertThat(stale.exitCode()).as(stale.stderr()).isEqualTo(1);
        assertThat(stale.stderr()).contains("restoring " + backup + " refused: 1.1.0 runs, not 1.2.0", "--force");
        assertThat(sqlite(database, "SELECT title FROM drawings")).isEqualTo("sunrise");
        assertThat(site.apiVersion()).isEqualTo("1.1.0");

        site.env().put("MONET_DB_BACKUPS", "2");
        try {
            site.releaseOk("migrate", "--version", "1.1.0");
            site.releaseOk("migrate", "--version", "1.1.0");
        } finally {
            site.env().remove("MONET_DB_BACKUPS");
        }
        assertThat(backups().stream().filter(name -> name.startsWith("before-"))).as(backups().toString()).hasSize(2)
                .allMatch(name -> name.startsWith("before-1.1.0."));
    }
}

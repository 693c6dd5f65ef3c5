package monet.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import monet.MonetException;
import monet.host.HostScripts;
import monet.release.Stage.Switch;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** migrate, deploy, verify, rollback, lock, status and cleanup: their real effects on a sandbox host. */
class HostDeployTest extends SandboxTest {
    private void run(String version, String... stages) {
        box.stages(version).pipeline("test").only(List.of(stages)).run();
    }

    /** The host as a deploy of {@code current} over {@code previous} leaves it (without paying for the aws CLI). */
    private void deployed(String current, String previous) throws Exception {
        for (String version : List.of(previous, current)) {
            java.nio.file.Path release = box.app.resolve("site/releases/20261126T1200" + (version.equals(current) ? "01" : "00")
                    + "Z-" + version);
            Sandbox.write(release.resolve(Sandbox.COMPOSE), "services: {nginx: {}}\n");
            Sandbox.write(release.resolve("nginx.conf"), "events {}\n");
            Sandbox.write(release.resolve("web/index.html"), "<html>" + version + "</html>");
            Sandbox.write(release.resolve(".version"), version + "\n");
            Sandbox.write(release.resolve(".registry"), Sandbox.REGISTRY + "\n");
        }
        Files.deleteIfExists(box.app.resolve("site/current"));
        Files.createSymbolicLink(box.app.resolve("site/current"), java.nio.file.Path.of("releases/20261126T120001Z-" + current));
        String env = env().replace("IMAGE_TAG=1.0.0", "IMAGE_TAG=" + current);
        Sandbox.write(box.app.resolve(".env"), env);
        Sandbox.write(box.app.resolve(HostScripts.PREVIOUS), previous + "\n");
        Sandbox.write(box.dockerState.resolve("running"), current + "\n");
        Sandbox.write(box.app.resolve(HostScripts.AUDIT), "2026-11-26T12:00:00Z action=deploy version=" + current
                + " previous=" + previous + " result=ok who=ci commit=abc\n");
    }

    private String env() {
        return box.read(box.app.resolve(".env"));
    }

    private String audit() {
        return box.read(box.app.resolve(HostScripts.AUDIT));
    }

    @Test
    void deploySetsTheTagKeepsOtherLinesFetchesAReleaseRecordsPreviousAndAudits() throws Exception {
        box.s3.putObject(p -> p.bucket(box.bucket).key("web/index.html"), RequestBody.fromString("<html>1.1.0</html>"));

        run("1.1.0", "deploy");

        assertThat(env()).isEqualTo("# production settings\nSES_SENDER_EMAIL=noreply@example.com\nIMAGE_TAG=1.1.0\n"
                + "ECR_REGISTRY=" + Sandbox.REGISTRY + "\nLOG_LEVEL=info\n");
        assertThat(box.read(box.app.resolve(HostScripts.PREVIOUS))).isEqualTo("1.0.0\n");
        assertThat(box.read(box.app.resolve(Sandbox.COMPOSE))).isEqualTo("services: {nginx: {}}\n");
        assertThat(box.read(box.app.resolve("site/current/nginx.conf"))).isEqualTo("events {}\n");
        assertThat(box.read(box.app.resolve("site/current/web/index.html"))).isEqualTo("<html>1.1.0</html>");
        assertThat(box.read(box.app.resolve("site/current/.version"))).isEqualTo("1.1.0\n");
        // The release goes on to verify: its lock stays until then.
        assertThat(box.read(box.app.resolve(HostScripts.LOCK))).contains("action=release version=1.1.0 stage=deploy");
        assertThat(audit()).containsPattern("^\\d{4}-\\d\\d-\\d\\dT\\S+Z action=deploy version=1\\.1\\.0 previous=1\\.0\\.0"
                + " result=ok who=\\S+@\\S+ commit=[0-9a-f]{40}\n$");
        assertThat(box.read(box.dockerState.resolve("running")).strip()).isEqualTo("1.1.0");
        String release = "site/releases/" + box.app.resolve("site/current").toRealPath().getFileName();
        String compose = "compose --project-directory " + box.app + " -f ";
        assertThat(box.dockerCalls()).containsSubsequence(
                compose + release + "/docker-compose.prod.yml pull nginx",
                compose + release + "/docker-compose.prod.yml run --rm --no-deps -T --entrypoint nginx nginx -t -q -c /srv/" + release
                        + "/nginx.conf",
                "login --username AWS --password-stdin " + Sandbox.REGISTRY,
                compose + release + "/docker-compose.prod.yml pull drawing-agent web-ssr",
                compose + "docker-compose.prod.yml up -d --no-deps drawing-agent web-ssr",
                compose + "docker-compose.prod.yml up -d --no-deps nginx",
                compose + "docker-compose.prod.yml kill -s HUP nginx");
        assertThat(String.join("\n", box.dockerCalls())).doesNotContain(Sandbox.ECR_PASSWORD);
    }

    @Test
    void aHeldLockRefusesTheDeployAndChangesNothing() throws Exception {
        Sandbox.write(box.app.resolve(HostScripts.LOCK), "holder=alice@laptop since=2026-11-26T10:00:00Z action=deploy 1.0.9\n");
        String before = env();

        assertThatThrownBy(() -> run("1.1.0", "deploy")).isInstanceOf(MonetException.class)
                .hasMessageContaining("the deploy lock is held: holder=alice@laptop")
                .hasMessageContaining("unlock --force");

        assertThat(env()).isEqualTo(before);
        assertThat(box.read(box.app.resolve(HostScripts.LOCK))).contains("alice@laptop");
        assertThat(box.dockerCalls()).isEmpty();
    }

    @Test
    void aFailedPullPutsTheOldEnvBackAuditsTheFailureAndReleasesTheLock() throws Exception {
        box.env.put("DOCKER_STANDIN_FAIL_PULL", "1.1.0");
        String before = env();

        assertThatThrownBy(() -> run("1.1.0", "deploy")).hasMessageContaining("manifest unknown");

        assertThat(env()).isEqualTo(before);
        assertThat(box.app.resolve(".env.before")).doesNotExist();
        assertThat(box.app.resolve("site/current")).doesNotExist();
        // Only the files the host ran before releases, adopted as a release of 1.0.0 to roll back to.
        assertThat(box.app.resolve("site/releases").toFile().list()).singleElement().asString().endsWith("-1.0.0");
        assertThat(box.app.resolve(HostScripts.LOCK)).doesNotExist();
        assertThat(audit()).contains("action=deploy version=1.1.0 previous=1.0.0 result=failed");
        assertThat(box.read(box.dockerState.resolve("running")).strip()).isEqualTo("1.0.0");
    }

    @Test
    void verifyPassesWhenTheSiteServesTheVersion() throws Exception {
        deployed("1.1.0", "1.0.0");
        run("1.1.0", "verify");
        assertThat(env()).contains("IMAGE_TAG=1.1.0");
    }

    @Test
    void aFailedVerificationRollsBackToThePreviousTagAndSaysSo() throws Exception {
        deployed("1.1.0", "1.0.0");
        box.site.breakVersion("1.1.0");

        assertThatThrownBy(() -> run("1.1.0", "verify"))
                .hasMessageContaining("verification of 1.1.0 failed")
                .hasMessageContaining("/ssr-health: 503")
                .hasMessageContaining("/api/version: 200")
                .hasMessageContaining("rolled back: deploy (now 1.0.0, serving and healthy)");

        assertThat(env()).contains("IMAGE_TAG=1.0.0\n").doesNotContain("IMAGE_TAG=1.1.0");
        assertThat(box.read(box.dockerState.resolve("running")).strip()).isEqualTo("1.0.0");
        assertThat(audit()).contains("action=rollback version=1.0.0 previous=1.1.0 result=ok");
    }

    @Test
    void aFailedVerificationWithNothingToGoBackToSaysBoth() throws Exception {
        deployed("1.1.0", "1.0.0");
        Files.delete(box.app.resolve(HostScripts.PREVIOUS));
        box.site.breakVersion("1.1.0");

        assertThatThrownBy(() -> run("1.1.0", "verify")).hasMessageContaining("verification of 1.1.0 failed")
                .hasMessageContaining("ROLLBACK FAILED: deploy").hasMessageContaining("no previous version recorded");
        assertThat(env()).contains("IMAGE_TAG=1.1.0");
    }

    @Test
    void noRollbackLeavesTheNewVersion() throws Exception {
        deployed("1.1.0", "1.0.0");
        box.site.breakVersion("1.1.0");
        Stages stages = new Stages(box.context("1.1.0"), Set.of(Switch.NO_ROLLBACK));

        assertThatThrownBy(() -> stages.pipeline("test").only(List.of("verify")).run())
                .hasMessageContaining("--no-rollback: 1.1.0 stays deployed");

        assertThat(env()).contains("IMAGE_TAG=1.1.0");
        assertThat(audit()).doesNotContain("action=rollback");
    }

    @Test
    void rollbackToAGivenVersionAndToThePreviousOne() throws Exception {
        deployed("1.1.0", "1.0.0");
        Stages stages = box.stages("1.1.0");

        stages.rollbackPipeline("").run();
        assertThat(env()).contains("IMAGE_TAG=1.0.0");

        stages.rollbackPipeline("1.1.0").run();
        assertThat(env()).contains("IMAGE_TAG=1.1.0");
        assertThat(audit()).contains("action=rollback version=1.0.0 previous=1.1.0 result=ok",
                "action=rollback version=1.1.0 previous=1.0.0 result=ok");
    }

    @Test
    void aRollbackSaysSoOnTheGitHubReleaseItLeftAndMakesTheOneItWentBackToTheLatest() throws Exception {
        box.stages("1.0.0").pipeline("test").only(List.of("github-release")).run();
        box.stages("1.1.0").pipeline("test").only(List.of("github-release")).run();
        assertThat(box.github.latest).isEqualTo("v1.1.0");
        deployed("1.1.0", "1.0.0");

        box.stages("1.1.0").rollbackPipeline("").run();

        assertThat(box.github.releases.get("v1.1.0").path("body").asText())
                .startsWith("> **Rolled back** to v1.0.0: release rollback (").contains("## Images");
        assertThat(box.github.latest).isEqualTo("v1.0.0");
        assertThat(box.github.releases.get("v1.0.0").path("body").asText()).doesNotContain("Rolled back");

        box.stages("1.0.0").rollbackPipeline("1.1.0").run();
        assertThat(box.github.releases.get("v1.0.0").path("body").asText()).startsWith("> **Rolled back** to v1.1.0");
        assertThat(box.github.releases.get("v1.1.0").path("body").asText()).as("serving again").doesNotContain("Rolled back")
                .startsWith("## Images");
        assertThat(box.github.latest).isEqualTo("v1.1.0");
    }

    @Test
    void rollbackWithoutARecordedPreviousVersionAsksForOne() {
        assertThatThrownBy(() -> box.stages("1.1.0").rollbackPipeline("").run())
                .hasMessageContaining("no previous version recorded");
        assertThat(env()).contains("IMAGE_TAG=1.0.0");
    }

    @Test
    void migratePassesTheAppSecretsByNameOnlyAndRunsTheMigrationInTheNewImage() throws Exception {
        run("1.1.0", "migrate");

        assertThat(box.read(box.dockerState.resolve("run-env")))
                .isEqualTo("DATABASE_URL=" + box.databaseUrl + "\nSESSION_SECRET=s3ss10n\n");
        assertThat(box.read(box.dockerState.resolve("runs"))).isEqualTo("run drawing-agent:1.1.0 sh -c uv run alembic upgrade head\n");
        assertThat(box.read(box.dockerLog)).doesNotContain("s3ss10n").doesNotContain("/data/db");
        assertThat(box.context("1.1.0").scripts().migrate("1.1.0", Sandbox.REGISTRY).text()).doesNotContain("s3ss10n");
        assertThat(box.root.resolve("pwned")).doesNotExist();
        assertThat(env()).contains("IMAGE_TAG=1.0.0");
        assertThat(audit()).contains("action=migrate version=1.1.0 result=ok");
        // The first host stage of the release takes its lock, for deploy and verify to go on with.
        assertThat(box.read(box.app.resolve(HostScripts.LOCK))).contains("action=release version=1.1.0 stage=migrate");
    }

    @Test
    void lockBlocksDeploysUntilUnlockedAndOnlyTheHolderOrForceUnlocks() {
        Stages mine = box.stages("1.1.0");
        assertThat(mine.lock("db maintenance")).contains("locked: holder=");
        assertThatThrownBy(() -> run("1.1.0", "deploy")).hasMessageContaining("the deploy lock is held");

        box.env.put("GITHUB_ACTOR", "someone-else");
        Stages theirs = box.stages("1.1.0");
        assertThatThrownBy(() -> theirs.unlock(false)).hasMessageContaining("held by someone else");
        assertThat(box.app.resolve(HostScripts.LOCK)).exists();
        assertThat(theirs.unlock(true)).contains("unlocked (was: holder=");
        assertThat(box.app.resolve(HostScripts.LOCK)).doesNotExist();
        assertThat(audit()).contains("action=lock reason=db_maintenance", "action=unlock forced=yes");

        box.env.remove("GITHUB_ACTOR");
        mine.lock("again");
        assertThat(box.stages("1.1.0").unlock(false)).contains("unlocked");
    }

    @Test
    void statusShowsTagLockAuditContainersAndTheSite() throws Exception {
        deployed("1.1.0", "1.0.0");
        Sandbox.write(box.app.resolve(HostScripts.LOCK), "holder=bob@ci since=2026-11-26T11:00:00Z action=manual: x\n");

        String status = box.stages("1.1.0").status();

        assertThat(status).contains("image_tag=1.1.0", "previous_tag=1.0.0", "lock=holder=bob@ci",
                "action=deploy version=1.1.0", "drawing-agent running", "/api/version: 200 {\"version\": \"1.1.0\"}",
                "/ssr-health: 200");
    }

    @Test
    void deployWithoutABucketIsAUsageError() {
        box.settings.put("deploy.bucket", "");
        assertThatThrownBy(() -> run("1.1.0", "deploy")).hasMessageContaining("deploy.bucket");
        assertThat(Files.exists(box.app.resolve(HostScripts.AUDIT))).isFalse();
    }
}

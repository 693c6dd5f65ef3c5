package monet.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import monet.MonetException;
import monet.host.HostScripts;
import monet.pipeline.Pipeline;
import monet.pipeline.Summary;
import monet.release.Stage.Switch;
import org.junit.jupiter.api.Test;

/** The local stages (e2e, build-web, images, github-release) and the whole pipeline, against stand-ins, moto and local servers. */
class StagesTest extends SandboxTest {
    /** The given stages (all when none) of a release of {@code version}. */
    private Summary run(String version, boolean requireE2e, String... stages) {
        Pipeline pipeline = new Stages(box.context(version), requireE2e ? Set.of(Switch.REQUIRE_E2E) : Set.of()).pipeline("test");
        return (stages.length == 0 ? pipeline : pipeline.only(List.of(stages))).run();
    }

    @Test
    void e2eIsSkippedWithoutItsSecretFailsWhenRequiredAndRunsWithIt() {
        assertThat(run("1.1.0", false, "e2e").step("e2e").status()).isEqualTo(Summary.Status.SKIPPED);
        assertThatThrownBy(() -> run("1.1.0", true, "e2e")).hasMessageContaining("need ANTHROPIC_API_KEY, which is not set");

        box.env.put("ANTHROPIC_API_KEY", "sk-ant-12345");
        box.settings.put("e2e.command", "test \"$ANTHROPIC_API_KEY\" = sk-ant-12345 && echo ok > " + tmp.resolve("e2e-ran"));
        assertThat(run("1.1.0", true, "e2e").step("e2e").status()).isEqualTo(Summary.Status.OK);
        assertThat(tmp.resolve("e2e-ran")).exists();

        box.settings.put("e2e.command", "exit 3");
        assertThatThrownBy(() -> run("1.1.0", true, "e2e")).hasMessageContaining("exited with 3");
    }

    @Test
    void buildWebInstallsBuildsAndStampsTheVersion() throws Exception {
        run("1.1.0", false, "build-web");

        Path dist = box.repo.resolve("web/dist");
        assertThat(Files.readString(dist.resolve("version.txt"))).isEqualTo("1.1.0\n");
        assertThat(dist.resolve("index.html")).exists();
        assertThat(box.read(box.npmLog).lines()).containsExactly(box.repo.resolve("web") + "\tci",
                box.repo.resolve("web") + "\trun build");

        Files.delete(box.repo.resolve("web/package-lock.json"));
        assertThatThrownBy(() -> run("1.1.0", false, "build-web")).hasMessageContaining("can only install with an existing package-lock.json");
    }

    @Test
    void syncWebRefusesADistBuiltForAnotherVersion() throws Exception {
        run("1.1.0", false, "build-web");
        assertThatThrownBy(() -> run("1.2.0", false, "sync-web")).hasMessageContaining("was built for 1.1.0, not 1.2.0");
        run("1.1.0", false, "sync-web");
        assertThat(box.s3.getObjectAsBytes(g -> g.bucket(box.bucket).key("web/version.txt")).asUtf8String()).isEqualTo("1.1.0\n");
    }

    @Test
    void syncWebAlsoPublishesTheServerFilesThatDeployPullsOntoTheHost() throws Exception {
        Path server = Files.createDirectories(box.repo.resolve("infrastructure/server"));
        Files.writeString(server.resolve("nginx.conf"), "events {}\n");
        Files.writeString(server.resolve("docker-compose.prod.yml"), "services: {}\n");
        run("1.1.0", false, "build-web");
        run("1.1.0", false, "sync-web");
        assertThat(box.s3.getObjectAsBytes(g -> g.bucket(box.bucket).key("config/nginx.conf")).asUtf8String()).isEqualTo("events {}\n");
        assertThat(box.s3.getObjectAsBytes(g -> g.bucket(box.bucket).key("config/docker-compose.prod.yml")).asUtf8String())
                .isEqualTo("services: {}\n");
        Files.delete(server.resolve("nginx.conf"));
        run("1.1.0", false, "sync-web");
        assertThat(box.s3.listObjectsV2(l -> l.bucket(box.bucket).prefix("config/")).contents())
                .extracting(o -> o.key()).containsExactly("config/docker-compose.prod.yml");
    }

    @Test
    void imagesBuildInParallelAndPushImagesLogsInWithThePasswordOnStdinAndPushesBothTags() {
        box.env.put("DOCKER_STANDIN_BUILD_SECONDS", "1");

        run("1.1.0", false, "images");
        assertThat(box.dockerState.resolve("pushed")).as("images builds only").doesNotExist();
        Summary summary = run("1.1.0", false, "push-images");

        assertThat(summary.outputs()).containsEntry("backend-image", Sandbox.REGISTRY + "/drawing-agent:1.1.0")
                .containsEntry("ssr-image", Sandbox.REGISTRY + "/web-ssr:1.1.0");
        List<String> events = box.read(box.dockerLog).lines().filter(l -> l.contains("\tbuild\t"))
                .map(l -> l.split("\t")[0]).toList();
        assertThat(events).as("both builds start before either ends").containsExactly("start", "start", "end", "end");
        List<String> calls = box.dockerCalls();
        assertThat(calls).anyMatch(c -> c.startsWith("build -f server/Dockerfile -t " + Sandbox.REGISTRY + "/drawing-agent:1.1.0 -t "
                + Sandbox.REGISTRY + "/drawing-agent:latest --build-arg VERSION=1.1.0 --build-arg COMMIT=")
                && c.contains("--build-arg BUILD_TIME=") && c.endsWith(" server"));
        assertThat(calls).anyMatch(c -> c.startsWith("build -f web/Dockerfile") && c.endsWith(" ."));
        assertThat(calls).contains("login --username AWS --password-stdin " + Sandbox.REGISTRY);
        assertThat(String.join("\n", calls)).doesNotContain(Sandbox.ECR_PASSWORD);
        assertThat(box.read(box.dockerState.resolve("pushed")).lines()).containsExactlyInAnyOrder(
                Sandbox.REGISTRY + "/drawing-agent:1.1.0", Sandbox.REGISTRY + "/drawing-agent:latest",
                Sandbox.REGISTRY + "/web-ssr:1.1.0", Sandbox.REGISTRY + "/web-ssr:latest");
    }

    @Test
    void imagesFailWhenADockerfileIsMissingAndPushNothing() throws Exception {
        Files.delete(box.repo.resolve("web/Dockerfile"));
        assertThatThrownBy(() -> run("1.1.0", false, "images")).hasMessageContaining("failed to read dockerfile");
        assertThat(box.dockerState.resolve("pushed")).doesNotExist();
    }

    @Test
    void githubReleaseIsCreatedThenUpdatedWhenRerun() {
        run("1.1.0", false, "github-release");
        run("1.1.0", false, "github-release");

        assertThat(box.github.releases).containsOnlyKeys("v1.1.0");
        ObjectNode release = box.github.releases.get("v1.1.0");
        assertThat(release.path("prerelease").asBoolean()).isFalse();
        assertThat(release.path("body").asText()).contains("`" + Sandbox.REGISTRY + "/drawing-agent:1.1.0`",
                "`" + Sandbox.REGISTRY + "/web-ssr:1.1.0`", "### Added\n\n- Drawing with watercolours.");
        assertThat(box.github.calls).containsExactly(
                "GET /repos/owner/app/releases/tags/v1.1.0", "POST /repos/owner/app/releases",
                "GET /repos/owner/app/releases/tags/v1.1.0", "PATCH /repos/owner/app/releases/101");
    }

    @Test
    void aPreReleaseWithoutChangelogNotesListsTheCommits() {
        box.git("tag", "-a", "v1.2.0-rc.1", "-m", "rc");
        run("1.2.0-rc.1", false, "github-release");

        ObjectNode release = box.github.releases.get("v1.2.0-rc.1");
        assertThat(release.path("prerelease").asBoolean()).isTrue();
        assertThat(release.path("body").asText()).contains("## Changes\n\n(no changes recorded)");

        run("1.1.0", false, "github-release");
        assertThat(box.github.releases.get("v1.1.0").path("body").asText()).contains("- Drawing with watercolours.");
    }

    @Test
    void githubReleaseNeedsAWorkingToken() {
        box.env.put("GITHUB_TOKEN", "wrong");
        assertThatThrownBy(() -> run("1.1.0", false, "github-release")).hasMessageContaining("HTTP 401 Bad credentials");
        box.env.remove("GITHUB_TOKEN");
        assertThatThrownBy(() -> run("1.1.0", false, "github-release")).hasMessageContaining("GITHUB_TOKEN is not set");
        assertThat(box.github.releases).isEmpty();
    }

    @Test
    void theWholePipelineReleasesAndDeploys() throws Exception {
        box.env.put("ANTHROPIC_API_KEY", "sk-ant-test");

        Summary summary = run("1.1.0", true);

        assertThat(summary.ok()).isTrue();
        assertThat(summary.steps()).extracting(Summary.StepRecord::name).containsExactlyInAnyOrder(
                "e2e", "build-web", "images", "e2e + build-web + images", "sync-web", "push-images", "sync-web + push-images",
                "migrate", "deploy", "verify", "github-release", "cleanup", "github-release + cleanup");
        assertThat(box.s3.getObjectAsBytes(g -> g.bucket(box.bucket).key("web/version.txt")).asUtf8String()).isEqualTo("1.1.0\n");
        assertThat(box.read(box.app.resolve("site/current/web/version.txt"))).isEqualTo("1.1.0\n");
        assertThat(box.read(box.app.resolve(".env"))).contains("IMAGE_TAG=1.1.0");
        assertThat(box.github.releases).containsKey("v1.1.0");
        assertThat(box.github.latest).isEqualTo("v1.1.0");
        assertThat(box.read(box.app.resolve(HostScripts.AUDIT))).contains("action=migrate version=1.1.0 result=ok",
                "action=deploy version=1.1.0 previous=1.0.0 result=ok");
    }

    @Test
    void theStagesRunLevelByLevelAndOnlyKnownOnesCanBeSelected() {
        assertThat(Stage.levels(Stages.ALL)).extracting(level -> level.stream().map(Stage::name).toList()).containsExactly(
                List.of("e2e", "build-web", "images"), List.of("sync-web", "push-images"), List.of("migrate"),
                List.of("deploy"), List.of("verify"), List.of("github-release", "cleanup"));
        Stage early = new Stage("early", "x", "x", List.of("late"), Set.of(), stages -> null);
        assertThatThrownBy(() -> Stage.levels(List.of(early))).hasMessageContaining("'early' comes after 'late', which is not declared before it");
        assertThatThrownBy(() -> run("1.1.0", false, "deplo")).isInstanceOf(MonetException.class)
                .hasMessageContaining("has no step 'deplo'; its steps are: e2e + build-web + images, e2e, build-web, images");
    }

    @Test
    void theVersionComesFromTheFlagTheTagAtHeadOrInADryRunFromTheChangelog() throws Exception {
        assertThat(box.context("1.3.0").version().source()).isEqualTo("--version 1.3.0");
        assertThat(box.context(null).version().version()).hasToString("1.1.0");
        assertThat(box.context(null).version().source()).isEqualTo("tag v1.1.0 at HEAD");
        box.env.put("GITHUB_REF_TYPE", "tag");
        box.env.put("GITHUB_REF_NAME", "v1.2.0");
        assertThat(box.context(null).version().version()).hasToString("1.2.0");
        box.env.remove("GITHUB_REF_TYPE");

        Sandbox.write(box.repo.resolve("x.txt"), "x");
        box.git("add", "x.txt");
        box.git("commit", "-q", "-m", "untagged");
        assertThatThrownBy(() -> box.context(null).version()).hasMessageContaining("no version to release");
        assertThat(box.context(null, true).version().source()).contains("the latest version in CHANGELOG.md");
        assertThat(box.context(null, true).version().tagged()).isFalse();
    }
}

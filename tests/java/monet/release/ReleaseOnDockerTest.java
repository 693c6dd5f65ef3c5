package monet.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
        site.env().put("MONET_IMAGE_BUILD_ARGS", "RELEASE={version},COMMIT={commit}");
        site.env().put("MONET_SSR_HEALTH_PATH", "/internal/health");
        site.env().put("MONET_VERIFY_SSR_HEALTHY", "\"status\":\\s*\"ok\"");
        try {
            site.releaseOk("pipeline", "--only", "e2e,build-web,sync-web,images,push-images,deploy,verify");
        } finally {
            site.env().remove("MONET_IMAGE_BUILD_ARGS");
            site.env().remove("MONET_SSR_HEALTH_PATH");
            site.env().remove("MONET_VERIFY_SSR_HEALTHY");
        }

        assertThat(site.apiVersion()).isEqualTo("1.1.0");
        assertThat(site.page("/").ssrVersion()).isEqualTo("1.1.0");
        var health = site.get("/ssr-health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\": \"ok\"}");
        assertThat(site.docker().docker("inspect", "--format", "{{json .Config.Healthcheck.Test}}", "web-ssr").run().stdout())
                .as("the compose file's SSR health check").contains("http://127.0.0.1:3000/internal/health")
                .doesNotContain("/ssr-health");
    }
}

package monet.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import monet.process.CmdResult;
import monet.testing.JBang;
import monet.testing.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code ./jbang release pipeline --dry-run}, through the real
 * launcher with no credentials and every AWS and GitHub endpoint pointing at a closed port:
 * any attempt to reach them would fail the run.
 */
class DryRunTest {
    static JBang offline(String... args) {
        return JBang.run(args)
                .env("AWS_ACCESS_KEY_ID", "").env("AWS_SECRET_ACCESS_KEY", "").env("AWS_SESSION_TOKEN", "")
                .env("AWS_PROFILE", "").env("AWS_CONFIG_FILE", "/nonexistent").env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
                .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9").env("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9")
                .env("GITHUB_API_URL", "http://127.0.0.1:9").env("GITHUB_TOKEN", "")
                .env("MONET_SITE_URL", "http://127.0.0.1:9").env("MONET_RELEASE_VERSION", "")
                .env("GITHUB_REF_TYPE", "").env("GITHUB_REF_NAME", "");
    }

    @Test
    void theReadmesFirstCommandPlansEveryStageOffline() {
        CmdResult r = offline("release", "pipeline", "--dry-run").call();

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).containsPattern("version \\S+ \\((tag v\\S+ at HEAD|not tagged: [^)]*)\\)")
                .contains("dry run of 'release pipeline': nothing will be changed");
        assertThat(r.stdout()).contains("1. e2e + build-web + images: in parallel: e2e, build-web, images", "- e2e: $ sh -c",
                "$ npm ci", "$ docker build -f server/Dockerfile", "$ docker build -f web/Dockerfile",
                "2. sync-web + push-images: in parallel: sync-web, push-images", "- sync-web: sync ",
                "docker login --username AWS --password-stdin ACCOUNT.dkr.ecr.", "$ docker push ",
                "3. migrate:", "alembic upgrade head",
                "4. deploy:", "aws s3 sync", "SERVICES='nginx drawing-agent web-ssr'", "compose up -d --no-deps $(app_services)", "nginx -t",
                "on a later failure: roll back to the previous IMAGE_TAG", "5. verify: poll http://127.0.0.1:9/api/version",
                "6. github-release + cleanup: in parallel: github-release, cleanup", "- github-release:", "- cleanup:");
        assertThat(r.stdout().split("take_lock\\(\\) \\{", -1)).as("the shared functions are printed once").hasSize(2);
        assertThat(r.stdout()).contains("| # --- functions.sh: as printed above", "| # --- migrate.sh", "| # --- deploy.sh",
                "| # --- cleanup.sh");
    }

    @Test
    void outsideAnyRepositoryTheVersionIsAPlaceholderAndSaysSo(@TempDir Path tmp) throws Exception {
        CmdResult r = offline(Repo.file("scripts/release.java").toString(), "pipeline", "--dry-run", "--only", "deploy").in(tmp).call();

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).contains("version 0.0.0-dev (not tagged and no version in CHANGELOG.md: a placeholder)");
        assertThat(r.stdout()).contains("1. deploy: deploy 0.0.0-dev").doesNotContain("2.");
        assertThat(Files.list(tmp)).isEmpty();
    }

    @Test
    void everyCommandHasHelp() {
        CmdResult r = JBang.run("release", "--help").call();
        assertThat(r.exitCode()).isZero();
        for (String command : new String[] {"cut", "e2e", "build-web", "sync-web", "images", "push-images", "migrate", "github-release",
                "deploy", "verify", "cleanup", "pipeline", "rollback", "status", "lock", "unlock", "summary", "config"}) {
            assertThat(r.stdout()).containsPattern("(?m)^\\s+" + command + "\\s+\\S");
        }
        assertThat(r.stdout()).doesNotContain("not built yet");
    }
}

package monet.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import monet.host.HostScripts;
import monet.process.CmdResult;
import monet.testing.JBang;
import org.junit.jupiter.api.Test;

/** The host commands through the real {@code ./jbang release} with {@code --via local} on a sandbox host. */
class HostCommandsScriptTest extends SandboxTest {
    private CmdResult release(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "release";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--via";
        all[args.length + 2] = "local";
        all[args.length + 3] = "--set=app.dir=" + box.app;
        return JBang.run(all).env(box.env).env("MONET_SITE_URL", box.site.url()).call();
    }

    @Test
    void lockStatusUnlockAndADryRunThatTouchesNothing() {
        CmdResult locked = release("lock", "--reason", "disk resize");
        assertThat(locked.exitCode()).as(locked.stderr()).isZero();
        assertThat(locked.stdout()).startsWith("locked: holder=");

        CmdResult status = release("status");
        assertThat(status.exitCode()).as(status.stderr()).isZero();
        assertThat(status.stdout()).contains("instance: this machine (--via local)", "image_tag=1.0.0", "lock=holder=",
                "action=manual: disk resize", "action=lock reason=disk_resize", "/api/version: 200 {\"version\": \"1.0.0\"}");

        CmdResult dry = release("unlock", "--force", "--dry-run");
        assertThat(dry.exitCode()).isZero();
        assertThat(dry.stdout()).contains("unlock, on this machine (--via local), as this sh script:", "rm -f .deploy.lock");
        assertThat(box.app.resolve(HostScripts.LOCK)).exists();

        CmdResult unlocked = release("unlock");
        assertThat(unlocked.exitCode()).as(unlocked.stderr()).isZero();
        assertThat(unlocked.stdout()).startsWith("unlocked (was: holder=");
        assertThat(box.app.resolve(HostScripts.LOCK)).doesNotExist();
    }

    /** The release workflow's last step, run as a cancelled run 77 of ci-bot runs it: only that run's release lock goes. */
    @Test
    void theCancelledRunsStepGivesBackOnlyThatRunsReleaseLock() throws Exception {
        List<JsonNode> steps = new ArrayList<>();
        new ObjectMapper(new YAMLFactory()).readTree(StageDeclarationsTest.WORKFLOW.toFile()).path("jobs")
                .forEach(job -> job.path("steps").forEach(steps::add));
        String[] step = steps.get(steps.size() - 1).path("run").asText().strip().replaceFirst("^\\./jbang release ", "").split("\\s+");
        box.env.put("GITHUB_ACTOR", "ci-bot");
        box.env.put("GITHUB_RUN_ID", "77");
        Path lock = box.app.resolve(HostScripts.LOCK);
        String since = " since=2026-12-03T00:15:00Z";

        for (String other : List.of("holder=github:ci-bot/run-76" + since + " action=release version=1.1.0 stage=deploy",
                "holder=github:ci-bot/run-77" + since + " action=manual: disk resize",
                "holder=ann@laptop" + since + " action=release version=1.1.0 stage=migrate")) {
            Files.writeString(lock, other + "\n");
            CmdResult kept = release(step);
            assertThat(kept.exitCode()).as(kept.stderr()).isZero();
            assertThat(kept.stdout()).contains("the deploy lock is not this release's: " + other);
            assertThat(Files.readString(lock)).isEqualTo(other + "\n");
        }

        String own = "holder=github:ci-bot/run-77" + since + " action=release version=1.1.0 stage=deploy";
        Files.writeString(lock, own + "\n");
        CmdResult dry = release(append(step, "--dry-run"));
        assertThat(dry.stdout()).contains("RELEASE_DONE=yes");
        assertThat(lock).exists();
        CmdResult released = release(step);
        assertThat(released.exitCode()).as(released.stderr()).isZero();
        assertThat(released.stdout()).contains("released the deploy lock (was: " + own + ")");
        assertThat(lock).doesNotExist();

        CmdResult none = release(step);
        assertThat(none.exitCode()).as(none.stderr()).isZero();
        assertThat(none.stdout()).contains("not locked");

        CmdResult both = release(append(step, "--force"));
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.stderr()).contains("--force breaks anyone's lock, --release-done gives back only this release's");
    }

    private static String[] append(String[] args, String extra) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = extra;
        return all;
    }

    @Test
    void aFailedRollbackExitsOneWithTheReason() {
        CmdResult r = release("rollback");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("no previous version recorded in " + box.app);
    }
}

package monet.release;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void aFailedRollbackExitsOneWithTheReason() {
        CmdResult r = release("rollback");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("no previous version recorded in " + box.app);
    }
}

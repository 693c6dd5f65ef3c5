package monet.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import monet.console.Secrets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CmdTest {
    @TempDir
    Path dir;

    @AfterEach
    void forgetSecrets() {
        Secrets.clearForTests();
    }

    @Test
    void aCmdNeverChangesSoOneCanBeSharedAndVaried() {
        Cmd base = Cmd.shell("echo \"$WHO\"; exit 3").env("WHO", "base");
        List<String> seen = new ArrayList<>();
        Cmd varied = base.env("WHO", "varied").timeout(Duration.ofSeconds(5)).nothrow().onStdout(seen::add);
        assertThat(varied.run().exitCode()).isEqualTo(3);
        assertThat(seen).containsExactly("varied");
        assertThat(base.timeout()).isZero();
        assertThat(base.render()).isEqualTo("WHO=base sh -c 'echo \"$WHO\"; exit 3'");
        assertThatThrownBy(base::run).hasMessageContaining("exited with 3").hasMessageContaining("| base");
        assertThat(seen).containsExactly("varied");
    }

    @Test
    void argumentsArePassedAsTheyAreWithoutAShell() {
        CmdResult result = Cmd.of("printf", "%s|", "a b", "$HOME", "`id`").run();
        assertThat(result.stdout()).isEqualTo("a b|$HOME|`id`|");
        assertThat(result.ok()).isTrue();
    }

    @Test
    void stdoutAndStderrAreKeptApart() {
        CmdResult result = Cmd.shell("echo out; echo err >&2").run();
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
    }

    @Test
    void nonZeroExitFailsWithCommandCodeAndTail() {
        assertThatThrownBy(() -> Cmd.shell("for i in $(seq 1 30); do echo line$i >&2; done; exit 3").dir(dir).run())
                .isInstanceOf(CmdException.class)
                .hasMessageContaining("sh -c")
                .hasMessageContaining("exited with 3")
                .hasMessageContaining("allowed: [0]")
                .hasMessageContaining("in " + dir)
                .hasMessageContaining("line30")
                .hasMessageContaining("last 20 of 30 lines")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("line10\n"));
    }

    @Test
    void nothrowKeepsAnyExitCode() {
        assertThat(Cmd.shell("exit 7").nothrow().run().exitCode()).isEqualTo(7);
    }

    @Test
    void timeoutKillsTheWholeProcessTree() throws Exception {
        Path pids = dir.resolve("pids");
        // A child and a grandchild that would outlive a parent-only kill.
        String script = "sh -c 'sleep 300 & echo $! >> " + pids + "; wait' & echo $! >> " + pids + "; sleep 300";
        long start = System.nanoTime();
        assertThatThrownBy(() -> Cmd.shell(script).timeout(Duration.ofMillis(500)).run())
                .isInstanceOf(CmdException.class)
                .hasMessageContaining("timed out after 500ms")
                .hasMessageContaining("killed with its child processes");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        List<Long> spawned = new ArrayList<>();
        for (String line : Files.readAllLines(pids)) {
            spawned.add(Long.parseLong(line.strip()));
        }
        assertThat(spawned).hasSize(2);
        for (long pid : spawned) {
            // give the kernel a moment to reap
            for (int i = 0; i < 50 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
                Thread.sleep(20);
            }
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse();
        }
    }

    @Test
    void secretsAreMaskedInRenderingAndErrors() {
        Secrets.register("hunter2-token");
        Cmd cmd = Cmd.shell("echo hunter2-token >&2; exit 1").secretEnv("TOKEN", "s3cr3t-value");
        assertThat(cmd.render()).doesNotContain("hunter2-token").doesNotContain("s3cr3t-value").contains("TOKEN=***");
        assertThatThrownBy(cmd::run).satisfies(e -> assertThat(e.getMessage())
                .doesNotContain("hunter2-token").doesNotContain("s3cr3t-value").contains("***"));
    }

    @Test
    void secretEnvReachesTheProcessButNotItsArguments() {
        CmdResult result = Cmd.shell("printf %s \"$TOKEN\"; ps -o args= -p $$ >&2").secretEnv("TOKEN", "abcd-1234-xyz").run();
        assertThat(result.stdout()).isEqualTo("abcd-1234-xyz");
        assertThat(result.stderr()).doesNotContain("abcd-1234-xyz");
    }

    @Test
    void stdinLinesAndDirectory() throws Exception {
        List<String> seen = new ArrayList<>();
        CmdResult result = Cmd.shell("cat; pwd").stdin("é\nlast").dir(dir).onStdout(seen::add).run();
        assertThat(result.stdout()).isEqualTo("é\nlast" + dir.toRealPath() + "\n");
        assertThat(seen).containsExactly("é", "last" + dir.toRealPath());
    }

    @Test
    void missingProgramSaysSo() {
        assertThatThrownBy(() -> Cmd.of("no-such-program-xyz").run())
                .isInstanceOf(CmdException.class).hasMessageContaining("cannot start `no-such-program-xyz`");
    }
}

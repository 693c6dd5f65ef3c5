package monet.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import monet.process.CmdResult;
import monet.testing.JBang;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration as a user meets it: a real script, a real monet.properties, real environment variables. */
class ConfigScriptTest {
    @TempDir
    Path dir;

    @Test
    void aBadValueInTheFileStopsTheScriptWithTheFileAndLine() throws Exception {
        Path file = dir.resolve(Config.FILE_NAME);
        Files.writeString(file, "# the production instance\nssh.port = twenty-two\n");
        CmdResult bad = JBang.run("changelog", "config").in(dir).call();
        assertThat(bad.exitCode()).as(bad.stderr()).isEqualTo(2);
        assertThat(bad.stderr()).contains(file + ":2: ssh.port must be a whole number from 1 to 65535, got 'twenty-two'");
        assertThat(bad.stdout()).isEmpty();
    }

    @Test
    void configShowsTypedValuesAndTheEnvironmentButNeverASecret() throws Exception {
        Files.writeString(dir.resolve(Config.FILE_NAME), "remote.timeout = 10m\n");
        CmdResult shown = JBang.run("changelog", "config").in(dir)
                .env("GITHUB_TOKEN", "ghp_configScriptTestSecret").env("GITHUB_SHA", "0123abc").call();
        assertThat(shown.exitCode()).as(shown.stderr()).isZero();
        assertThat(shown.stdout()).containsPattern("remote\\.timeout +=  *10m +\\(file .*monet\\.properties:1\\)")
                .contains("environment:").containsPattern("GITHUB_TOKEN +=  *\\(set, secret\\)")
                .containsPattern("GITHUB_SHA +=  *0123abc").doesNotContain("ghp_configScriptTestSecret");
        assertThat(shown.stderr()).doesNotContain("ghp_configScriptTestSecret");
    }
}

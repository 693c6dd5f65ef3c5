package monet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTheSeedsValues() {
        Config config = Config.load(Map.of(), dir, Map.of());
        assertThat(config.get("aws.region")).isEqualTo("us-east-1");
        assertThat(config.get("instance.tag")).isEqualTo("Name=drawing-agent");
        assertThat(config.get("app.container")).isEqualTo("drawing-agent");
        assertThat(config.get("data.dir")).isEqualTo("/home/ec2-user/data");
        assertThat(config.get("db.name")).isEqualTo("code_monet.db");
        assertThat(config.get("site.url")).isEqualTo("https://monet.dmfenton.net");
        assertThat(config.list("ecr.repositories")).containsExactly("drawing-agent", "web-ssr");
        assertThat(config.get("ses.sender")).isEqualTo("noreply@dmfenton.net");
        assertThat(config.file()).isEmpty();
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve(Config.FILE_NAME), "# production\napp.container = from-file\nssh.user = file-user\ndb.name=file.db\n");
        Map<String, String> env = Map.of("MONET_APP_CONTAINER", "from-env", "MONET_SSH_USER", "env-user");
        Config config = Config.load(env, sub, Map.of("app.container", "from-flag"));
        assertThat(config.get("app.container")).isEqualTo("from-flag");
        assertThat(config.get("ssh.user")).isEqualTo("env-user");
        assertThat(config.get("db.name")).isEqualTo("file.db");
        assertThat(config.get("data.dir")).isEqualTo("/home/ec2-user/data");
        assertThat(config.file()).contains(dir.resolve(Config.FILE_NAME));
        String described = config.describe();
        assertThat(described).contains("from-flag").contains("(flag --set app.container)")
                .contains("(env MONET_SSH_USER)").contains("(file " + dir.resolve(Config.FILE_NAME) + ":4)").contains("(default)");
    }

    @Test
    void seedEnvironmentNamesWorkAndMonetNamesWin() {
        assertThat(Config.load(Map.of("SES_SENDER_EMAIL", "a@x.net"), dir, Map.of()).get("ses.sender")).isEqualTo("a@x.net");
        assertThat(Config.load(Map.of("SES_SENDER_EMAIL", "a@x.net", "MONET_SES_SENDER", "b@x.net"), dir, Map.of())
                .get("ses.sender")).isEqualTo("b@x.net");
    }

    @Test
    void monetConfigNamesTheFile() throws Exception {
        Path file = dir.resolve("custom.properties");
        Files.writeString(file, "site.url = http://127.0.0.1:9\n");
        assertThat(Config.load(Map.of("MONET_CONFIG", file.toString()), Path.of("/"), Map.of()).get("site.url"))
                .isEqualTo("http://127.0.0.1:9");
        assertThatThrownBy(() -> Config.load(Map.of("MONET_CONFIG", dir.resolve("nope").toString()), dir, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not a file");
    }

    @Test
    void badFileLinesAreReportedWithFileAndLine() throws Exception {
        Path file = dir.resolve(Config.FILE_NAME);
        Files.writeString(file, "site.url = x\n\ninstance.tagg = Name=x\n");
        assertThatThrownBy(() -> Config.load(Map.of(), dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + ":3: unknown configuration key 'instance.tagg'")
                .hasMessageContaining("did you mean 'instance.tag'");
        Files.writeString(file, "just words\n");
        assertThatThrownBy(() -> Config.load(Map.of(), dir, Map.of()))
                .hasMessageContaining(file + ":1: expected 'key = value'");
    }

    @Test
    void unknownFlagAndMissingRequiredValueSayHowToFixThem() {
        assertThatThrownBy(() -> Config.load(Map.of(), dir, Map.of("ssh.usr", "x")))
                .hasMessageContaining("unknown configuration key 'ssh.usr'").hasMessageContaining("did you mean 'ssh.user'");
        Config config = Config.load(Map.of(), dir, Map.of());
        assertThatThrownBy(() -> config.require("deploy.bucket"))
                .hasMessageContaining("'deploy.bucket'").hasMessageContaining("MONET_DEPLOY_BUCKET").hasMessageContaining("--set deploy.bucket=");
    }

    @Test
    void homeIsExpandedInPaths() {
        assertThat(Config.load(Map.of(), dir, Map.of()).path("ssh.key"))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".ssh/drawing-agent.pem"));
    }
}

package monet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTheSeedsValues() {
        Config config = Config.load(Map.of(), dir, Map.of());
        assertThat(config.get(Keys.AWS_REGION)).isEqualTo("us-east-1");
        assertThat(config.get(Keys.INSTANCE_TAG)).isEqualTo("Name=drawing-agent");
        assertThat(config.get(Keys.APP_CONTAINER)).isEqualTo("drawing-agent");
        assertThat(config.get(Keys.DATA_DIR)).isEqualTo("/home/ec2-user/data");
        assertThat(config.get(Keys.DB_NAME)).isEqualTo("code_monet.db");
        assertThat(config.get(Keys.SITE_URL)).isEqualTo("https://monet.dmfenton.net");
        assertThat(config.get(Keys.ECR_REPOSITORIES)).containsExactly("drawing-agent", "web-ssr");
        assertThat(config.get(Keys.SES_SENDER)).isEqualTo("noreply@dmfenton.net");
        assertThat(config.file()).isEmpty();
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve(Config.FILE_NAME), "# production\napp.container = from-file\nssh.user = file-user\ndb.name=file.db\n");
        Map<String, String> env = Map.of("MONET_APP_CONTAINER", "from-env", "MONET_SSH_USER", "env-user");
        Config config = Config.load(env, sub, Map.of("app.container", "from-flag"));
        assertThat(config.get(Keys.APP_CONTAINER)).isEqualTo("from-flag");
        assertThat(config.get(Keys.SSH_USER)).isEqualTo("env-user");
        assertThat(config.get(Keys.DB_NAME)).isEqualTo("file.db");
        assertThat(config.get(Keys.DATA_DIR)).isEqualTo("/home/ec2-user/data");
        assertThat(config.file()).contains(dir.resolve(Config.FILE_NAME));
        String described = config.describe();
        assertThat(described).contains("from-flag").contains("(flag --set app.container)")
                .contains("(env MONET_SSH_USER)").contains("(file " + dir.resolve(Config.FILE_NAME) + ":4)").contains("(default)");
    }

    @Test
    void seedEnvironmentNamesWorkAndMonetNamesWin() {
        assertThat(Config.load(Map.of("SES_SENDER_EMAIL", "a@x.net"), dir, Map.of()).get(Keys.SES_SENDER)).isEqualTo("a@x.net");
        assertThat(Config.load(Map.of("SES_SENDER_EMAIL", "a@x.net", "MONET_SES_SENDER", "b@x.net"), dir, Map.of())
                .get(Keys.SES_SENDER)).isEqualTo("b@x.net");
    }

    @Test
    void monetConfigNamesTheFile() throws Exception {
        Path file = dir.resolve("custom.properties");
        Files.writeString(file, "site.url = http://127.0.0.1:9\n");
        assertThat(Config.load(Map.of("MONET_CONFIG", file.toString()), Path.of("/"), Map.of()).get(Keys.SITE_URL))
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
        assertThatThrownBy(() -> config.require(Keys.DEPLOY_BUCKET))
                .hasMessageContaining("'deploy.bucket'").hasMessageContaining("MONET_DEPLOY_BUCKET").hasMessageContaining("--set deploy.bucket=");
    }

    @Test
    void homeIsExpandedInPaths() {
        assertThat(Config.load(Map.of(), dir, Map.of()).get(Keys.SSH_KEY))
                .contains(Path.of(System.getProperty("user.home"), ".ssh/drawing-agent.pem"));
        assertThat(Config.load(Map.of(), dir, Map.of("ssh.key", "")).get(Keys.SSH_KEY)).isEmpty();
    }

    @Test
    void valuesAreTypedAndBadOnesNameWhereTheyCameFrom() throws Exception {
        Config defaults = Config.load(Map.of(), dir, Map.of());
        assertThat(defaults.get(Keys.SSH_PORT)).isEqualTo(22);
        assertThat(defaults.get(Keys.REMOTE_TIMEOUT)).isEqualTo(Duration.ofMinutes(10));
        assertThat(defaults.get(Keys.SES_REQUIRE_DKIM)).isFalse();
        Config set = Config.load(Map.of("MONET_REMOTE_TIMEOUT", "2h", "MONET_SES_REQUIRE_DKIM", "TRUE"), dir,
                Map.of("verify.timeout", "90s", "ssh.port", " 2222 ", "ecr.repositories", " a , b ,"));
        assertThat(set.get(Keys.REMOTE_TIMEOUT)).isEqualTo(Duration.ofHours(2));
        assertThat(set.get(Keys.VERIFY_TIMEOUT)).isEqualTo(Duration.ofSeconds(90));
        assertThat(set.get(Keys.SSH_PORT)).isEqualTo(2222);
        assertThat(set.get(Keys.SES_REQUIRE_DKIM)).isTrue();
        assertThat(set.get(Keys.ECR_REPOSITORIES)).containsExactly("a", "b");

        Path file = dir.resolve(Config.FILE_NAME);
        Files.writeString(file, "# production\nssh.port = 22\n\nssh.port = twenty-two\n");
        assertThatThrownBy(() -> Config.load(Map.of(), dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":4: ssh.port must be a whole number from 1 to 65535, got 'twenty-two'");
        Files.writeString(file, "ssh.port = 70000\n");
        assertThatThrownBy(() -> Config.load(Map.of(), dir, Map.of())).hasMessageContaining(file + ":1: ssh.port must be");
        Files.delete(file);
        assertThatThrownBy(() -> Config.load(Map.of("MONET_REMOTE_TIMEOUT", "ten minutes"), dir, Map.of()))
                .hasMessage("MONET_REMOTE_TIMEOUT: remote.timeout must be seconds from 1 to 172800 (600, or with a unit:"
                        + " 90s, 10m, 2h), got 'ten minutes'");
        assertThatThrownBy(() -> Config.load(Map.of(), dir, Map.of("ssm.delivery-timeout", "10")))
                .hasMessageStartingWith("--set ssm.delivery-timeout: ssm.delivery-timeout must be seconds from 30 to 2592000");
        assertThatThrownBy(() -> Config.load(Map.of(), dir, Map.of("ses.require-dkim", "yes")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--set ses.require-dkim: ses.require-dkim must be true or false, got 'yes'");
        assertThat(new ConfigException("x").exitCode()).isEqualTo(2);
    }

    @Test
    void everyKeyIsListedOnceAndItsDefaultIsValid() throws Exception {
        java.util.Set<Object> constants = new java.util.HashSet<>();
        for (java.lang.reflect.Field field : Keys.class.getFields()) {
            if (field.getType() == Key.class) {
                constants.add(field.get(null));
            }
        }
        assertThat(new java.util.HashSet<Object>(Keys.ALL)).isEqualTo(constants);
        assertThat(Keys.ALL).doesNotHaveDuplicates();
        assertThat(Keys.ALL.stream().map(Key::name)).doesNotHaveDuplicates();
        Config config = Config.load(Map.of(), dir, Map.of());
        assertThat(config.values()).hasSize(Keys.ALL.size()).allSatisfy(v -> assertThat(v.typed()).isNotNull());
    }

    @Test
    void environmentVariablesAreReadThroughConfigAndSecretsAreNeverShown() {
        Config config = Config.load(Map.of("GITHUB_TOKEN", "ghp_s3cr3t", "GITHUB_SHA", "abc123", "ANTHROPIC_API_KEY", "k"), dir,
                Map.of());
        assertThat(config.get(Environment.GITHUB_TOKEN)).isEqualTo("ghp_s3cr3t");
        assertThat(config.get(Environment.GITHUB_REF_NAME)).isEmpty();
        assertThat(config.variableNamedBy(Keys.E2E_SECRET)).isEqualTo("k");
        assertThat(config.describe()).contains("GITHUB_TOKEN").contains("(set, secret)").doesNotContain("ghp_s3cr3t")
                .contains("abc123").contains("GITHUB_REF_NAME");
    }

    @Test
    void onlyConfigAndTheConsoleReadTheEnvironment() throws Exception {
        java.util.List<String> readers;
        try (var files = Files.walk(monet.testing.Repo.root().resolve("lib"))) {
            readers = java.util.stream.Stream.concat(files, Files.list(monet.testing.Repo.root().resolve("scripts")))
                    .filter(f -> f.toString().endsWith(".java")).filter(f -> {
                        try {
                            return Files.readString(f).contains("System.getenv");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).map(f -> monet.testing.Repo.root().relativize(f).toString()).sorted().toList();
        }
        assertThat(readers).as("read environment variables through Config (declare them in Environment)")
                .containsExactly("lib/monet/config/Config.java", "lib/monet/console/Console.java");
    }
}

package monet.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import monet.config.Config;
import monet.host.RemoteShell.RemoteCommand;
import monet.host.RemoteShell.RemoteResult;
import monet.testing.Moto;
import monet.testing.Repo;
import monet.testing.SsmEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the infrastructure keeps of each SSM command: its output in the log group
 * {@code /monet/ssm} (CloudWatchOutputConfig), and the one-time secret parameters encrypted with
 * the parameters' key, which only the server may decrypt. Against the SSM test endpoint (it records
 * each call as sent) with moto's Parameter Store behind it.
 */
class SsmRecordsTest {
    @TempDir
    static Path dir;
    static SsmEndpoint endpoint;

    @BeforeAll
    static void start() {
        endpoint = SsmEndpoint.start(dir).proxyTo(Moto.get().endpoint());
    }

    @AfterAll
    static void stop() {
        endpoint.stop();
    }

    @Test
    void eachCommandKeepsItsOutputAndItsSecretUsesTheParametersKey() {
        SsmShell shell = SsmShell.on(endpoint.client(), SsmEndpoint.DEFAULT_INSTANCE, SsmShell.Options.defaults("us-east-1")
                .withProgress(false).withLogGroup("/monet/ssm").withSecretKey("alias/monet-parameters"));
        RemoteResult result = shell.run(RemoteCommand.of("count", "printf '%s' \"$MONET_SECRET\" | wc -c", Duration.ofSeconds(30))
                .withSecret("MONET_SECRET", "correct horse"));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout().strip()).isEqualTo("13");

        JsonNode send = last("SendCommand");
        assertThat(send.at("/CloudWatchOutputConfig/CloudWatchOutputEnabled").asBoolean()).isTrue();
        assertThat(send.at("/CloudWatchOutputConfig/CloudWatchLogGroupName").asText()).isEqualTo("/monet/ssm");
        JsonNode put = last("PutParameter");
        assertThat(put.path("Type").asText()).isEqualTo("SecureString");
        assertThat(put.path("KeyId").asText()).isEqualTo("alias/monet-parameters");
        assertThat(put.path("Name").asText()).startsWith("/monet/tmp/");
    }

    @Test
    void byDefaultTheScriptsUseWhatTheInfrastructureCreates(@TempDir Path cwd) throws Exception {
        Config config = Config.load(Map.of(), cwd, Map.of());
        assertThat(config.get(monet.config.Keys.SSM_LOG_GROUP)).isEqualTo("/monet/ssm");
        assertThat(config.get(monet.config.Keys.SSM_SECRET_KEY)).isEqualTo("alias/monet-parameters");
        // infrastructure/ names them for project "monet"
        assertThat(Files.readString(Repo.file("infrastructure/main.tf"))).contains("ssm_log_group = \"/${var.project}/ssm\"");
        assertThat(Files.readString(Repo.file("infrastructure/ec2.tf"))).contains("name          = \"alias/${var.project}-parameters\"");
        String preview = Transports.ssm(config, "i-0123456789abcdef0").preview(RemoteCommand.of("count", "true", Duration.ofSeconds(30))
                .withSecret("MONET_SECRET", "correct horse"));
        assertThat(preview).contains("# CloudWatchOutputConfig: /monet/ssm", "(SecureString, key alias/monet-parameters, value hidden)")
                .doesNotContain("correct horse");
        Config none = Config.load(Map.of(), cwd, Map.of("ssm.log.group", "", "ssm.secret.key", ""));
        assertThat(Transports.ssm(none, "i-0123456789abcdef0").preview(RemoteCommand.of("count", "true", Duration.ofSeconds(30))))
                .doesNotContain("CloudWatchOutputConfig");
    }

    private static JsonNode last(String action) {
        ObjectNode call = endpoint.calls().stream().filter(c -> c.path("action").asText().equals(action)).reduce((a, b) -> b).orElseThrow();
        return call.path("body");
    }
}

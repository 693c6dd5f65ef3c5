package monet.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvalidInstanceIdException;
import software.amazon.awssdk.services.ssm.model.InvalidParametersException;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.ssm.model.SendCommandRequest;
import software.amazon.awssdk.services.ssm.model.SsmException;
import software.amazon.awssdk.services.ssm.model.Target;

/**
 * The SSM test endpoint answers as SSM and its agent do (read in amazon-ssm-agent's source and
 * the SSM API reference), checked with the real AWS SDK: what a client sees is what production shows.
 */
class SsmEndpointTest {
    @TempDir
    static Path sandbox;
    static SsmEndpoint endpoint;
    static SsmClient ssm;

    @BeforeAll
    static void start() {
        endpoint = SsmEndpoint.start(sandbox);
        ssm = SsmClient.builder().endpointOverride(URI.create(endpoint.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @AfterAll
    static void stop() {
        endpoint.stop();
    }

    static SendCommandRequest.Builder command(String script, String executionTimeout) {
        return SendCommandRequest.builder().documentName("AWS-RunShellScript")
                .parameters(Map.of("commands", List.of(script), "executionTimeout", List.of(executionTimeout)));
    }

    static String send(String script) {
        return ssm.sendCommand(command(script, "60").instanceIds(SsmEndpoint.DEFAULT_INSTANCE).build()).command().commandId();
    }

    /** Polls GetCommandInvocation until the status is final, recording every status seen. */
    static GetCommandInvocationResponse await(String commandId, String instance, List<String> seen) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                GetCommandInvocationResponse r = ssm.getCommandInvocation(b -> b.commandId(commandId).instanceId(instance));
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(r.statusAsString())) {
                    seen.add(r.statusAsString());
                }
                if (List.of("Success", "Failed", "TimedOut", "Cancelled").contains(r.statusAsString())) {
                    return r;
                }
            } catch (InvocationDoesNotExistException notYet) {
                // eventual consistency, as in production
            }
            sleep(50);
        }
        throw new AssertionError("no final status for " + commandId + "; seen " + seen);
    }

    static GetCommandInvocationResponse run(String script) {
        return await(send(script), SsmEndpoint.DEFAULT_INSTANCE, new java.util.ArrayList<>());
    }

    @Test
    void outputIsCutByBytesAtTheLimitWithTheAgentsMarker() {
        // 36,000 'é' are 72,000 bytes: the agent keeps 23,980 bytes (11,990 'é') and its 20-byte marker
        GetCommandInvocationResponse accents = run("i=0; while [ $i -lt 36000 ]; do printf 'é'; i=$((i+1)); done");
        assertThat(accents.standardOutputContent()).isEqualTo("é".repeat(11_990) + SsmEndpoint.TRUNCATED);
        assertThat(accents.standardOutputContent().getBytes(StandardCharsets.UTF_8)).hasSize(24_000);

        // exactly 24,000 bytes is cut too (the agent keeps output whole only below the limit)
        assertThat(run("head -c 24000 /dev/zero | tr '\\0' x").standardOutputContent())
                .isEqualTo("x".repeat(23_980) + SsmEndpoint.TRUNCATED);
        assertThat(run("head -c 23999 /dev/zero | tr '\\0' x").standardOutputContent()).isEqualTo("x".repeat(23_999));

        // a character split by the cut comes back as U+FFFD, as Go's JSON encoder writes the broken byte
        GetCommandInvocationResponse split = run("printf x; i=0; while [ $i -lt 12000 ]; do printf 'é'; i=$((i+1)); done");
        assertThat(split.standardOutputContent()).isEqualTo("x" + "é".repeat(11_989) + "\ufffd" + SsmEndpoint.TRUNCATED);

        GetCommandInvocationResponse err = run("head -c 9000 /dev/zero | tr '\\0' e >&2");
        assertThat(err.standardErrorContent()).isEqualTo("e".repeat(7_980) + SsmEndpoint.TRUNCATED);
        assertThat(run("head -c 7999 /dev/zero | tr '\\0' e >&2").standardErrorContent()).hasSize(7_999);
    }

    @Test
    void executionTimeoutMustMatchTheDocumentsPattern() {
        for (String bad : List.of("0", "-1", "172801", "1.5", "")) {
            assertThatThrownBy(() -> ssm.sendCommand(command("true", bad).instanceIds(SsmEndpoint.DEFAULT_INSTANCE).build()))
                    .as(bad).isInstanceOf(InvalidParametersException.class).hasMessageContaining("executionTimeout");
        }
        assertThat(ssm.sendCommand(command("true", "172800").instanceIds(SsmEndpoint.DEFAULT_INSTANCE).build()).command()
                .commandId()).isNotBlank();
        assertThatThrownBy(() -> ssm.sendCommand(command("true", "60").timeoutSeconds(29).instanceIds(SsmEndpoint.DEFAULT_INSTANCE)
                .build())).isInstanceOf(SsmException.class).hasMessageContaining("greater than or equal to 30");
    }

    @Test
    void anInstanceSsmDoesNotManageIsInvalidInstanceId() {
        String stopped = "i-0fffffffffffffff1";
        endpoint.instance(stopped, Map.of("Name", "old"));
        endpoint.deregister(stopped);
        assertThatThrownBy(() -> ssm.sendCommand(command("true", "60").instanceIds(stopped).build()))
                .isInstanceOfSatisfying(InvalidInstanceIdException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInstanceId");
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Instances [[" + stopped + "]] not in a valid state for account 123456789012");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
    }

    @Test
    void rightAfterSendingTheInvocationDoesNotExistAndTheErrorHasNoMessage() {
        String id = send("true");
        assertThatThrownBy(() -> ssm.getCommandInvocation(b -> b.commandId(id).instanceId(SsmEndpoint.DEFAULT_INSTANCE)))
                .isInstanceOfSatisfying(InvocationDoesNotExistException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isNull());
    }

    @Test
    void anOfflineInstanceIsDelayedThenDeliveredWhenItComesBack() {
        String node = "i-0eeeeeeeeeeeeeee1";
        endpoint.instance(node, Map.of("Role", "flaky")).offline(node);
        String id = ssm.sendCommand(command("echo delivered", "60").instanceIds(node).build()).command().commandId();
        List<String> seen = new java.util.ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < until) {
            try {
                String status = ssm.getCommandInvocation(b -> b.commandId(id).instanceId(node)).statusAsString();
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status)) {
                    seen.add(status);
                }
            } catch (InvocationDoesNotExistException notYet) {
                // not visible yet
            }
            sleep(50);
        }
        assertThat(seen).endsWith("Delayed");
        endpoint.online(node);
        GetCommandInvocationResponse done = await(id, node, seen);
        assertThat(done.statusAsString()).isEqualTo("Success");
        assertThat(done.standardOutputContent()).isEqualTo("delivered\n");
    }

    @Test
    void anOfflineInstanceTimesOutDeliveryWhenTheCommandExpires() {
        String node = "i-0eeeeeeeeeeeeeee2";
        endpoint.instance(node, Map.of("Role", "gone")).offline(node);
        long started = System.nanoTime();
        var sent = ssm.sendCommand(command("echo never", "1").timeoutSeconds(30).instanceIds(node).build()).command();
        assertThat(Duration.between(sent.requestedDateTime(), sent.expiresAfter())).isEqualTo(Duration.ofSeconds(31));
        List<String> seen = new java.util.ArrayList<>();
        GetCommandInvocationResponse done = await(sent.commandId(), node, seen);
        assertThat(done.statusAsString()).isEqualTo("TimedOut");
        assertThat(done.statusDetails()).isEqualTo("DeliveryTimedOut");
        assertThat(seen).contains("Delayed");
        // TimeoutSeconds (30) plus the execution timeout (1), not sooner
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void maxErrorsReachedTerminatesTheInvocationsNotYetStarted() {
        for (int i = 1; i <= 3; i++) {
            endpoint.instance("i-0ddddddddddddddd" + i, Map.of("Role", "batch"));
        }
        String id = ssm.sendCommand(command("[ \"$MONET_INSTANCE_ID\" != i-0ddddddddddddddd1 ] || exit 4", "60")
                .targets(Target.builder().key("tag:Role").values("batch").build()).maxConcurrency("1").maxErrors("0").build())
                .command().commandId();
        GetCommandInvocationResponse first = await(id, "i-0ddddddddddddddd1", new java.util.ArrayList<>());
        assertThat(first.statusAsString()).isEqualTo("Failed");
        assertThat(first.responseCode()).isEqualTo(4);
        for (String rest : List.of("i-0ddddddddddddddd2", "i-0ddddddddddddddd3")) {
            GetCommandInvocationResponse terminated = await(id, rest, new java.util.ArrayList<>());
            assertThat(terminated.statusAsString()).isEqualTo("Cancelled");
            assertThat(terminated.statusDetails()).isEqualTo("Terminated");
        }
        assertThat(ssm.listCommands(b -> b.commandId(id)).commands().get(0).statusAsString()).isEqualTo("Failed");
    }

    @Test
    void cancellingARunningCommandReportsCancellingThenCancelledAndStopsIt() {
        String id = send("echo started; sleep 30");
        List<String> seen = new java.util.ArrayList<>();
        while (!seen.contains("InProgress")) {
            try {
                seen.add(ssm.getCommandInvocation(b -> b.commandId(id).instanceId(SsmEndpoint.DEFAULT_INSTANCE)).statusAsString());
            } catch (InvocationDoesNotExistException notYet) {
                // not visible yet
            }
            sleep(20);
        }
        ssm.cancelCommand(b -> b.commandId(id));
        assertThat(ssm.getCommandInvocation(b -> b.commandId(id).instanceId(SsmEndpoint.DEFAULT_INSTANCE)).statusAsString())
                .isEqualTo("Cancelling");
        assertThat(await(id, SsmEndpoint.DEFAULT_INSTANCE, seen).statusAsString()).isEqualTo("Cancelled");
        assertThat(endpoint.running()).isEmpty();
    }

    @Test
    void aStatusTheApiMayAddIsReportedAsIs() {
        endpoint.reportNext("Expired", "Expired");
        String id = send("echo ran");
        List<String> seen = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String status = "";
        while (!status.equals("Expired") && System.nanoTime() < deadline) {
            try {
                status = ssm.getCommandInvocation(b -> b.commandId(id).instanceId(SsmEndpoint.DEFAULT_INSTANCE)).statusAsString();
            } catch (InvocationDoesNotExistException notYet) {
                // not visible yet
            }
            sleep(50);
        }
        assertThat(status).isEqualTo("Expired");
    }

    @Test
    void pluginOutputIsJoinedAndCutAsTheAgentDoes() {
        assertThat(SsmEndpoint.pluginOutput("out\n", "")).isEqualTo("out\n");
        assertThat(SsmEndpoint.pluginOutput("out\n", "err\n")).isEqualTo("out\n\n----------ERROR-------\nerr\n");
        String big = SsmEndpoint.pluginOutput("o".repeat(5000), "e".repeat(5000));
        assertThat(big.length()).isLessThanOrEqualTo(SsmEndpoint.PLUGIN_OUTPUT_LIMIT);
        assertThat(big).contains("---Output truncated---").endsWith("---Error truncated----");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package monet.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import monet.process.CmdResult;
import monet.testing.JBang;
import monet.testing.Moto;
import monet.testing.SsmEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The real {@code ./jbang remote} against the SSM test endpoint where it behaves as AWS does and
 * gentler stand-ins did not: output cut by bytes, delivery time-outs, unmanaged instances,
 * statuses the client does not know, MaxErrors, one instance's unreadable result, the
 * execution timeout's range.
 */
class SsmAsAwsBehavesTest {
    @TempDir
    static Path dir;
    static SsmEndpoint endpoint;
    static Moto moto;

    @BeforeAll
    static void start() {
        moto = Moto.get();
        endpoint = SsmEndpoint.start(dir.resolve("host")).proxyTo(moto.endpoint());
    }

    @AfterAll
    static void stop() {
        endpoint.stop();
    }

    static Map<String, String> env() {
        return endpoint.scriptEnv();
    }

    static CmdResult remote(String... args) {
        List<String> all = new ArrayList<>(List.of("remote"));
        all.addAll(List.of(args));
        return JBang.run(all.toArray(String[]::new)).env(env()).call();
    }

    static final String ACCENTS = "i=0; while [ $i -lt 36000 ]; do printf 'é'; i=$((i+1)); done";

    @Test
    void outputIsCompleteWhateverItsSizeInBytes() {
        // the S3 path: 36,000 'é' are 72,000 bytes but 36,000 characters; SSM cut them at 24,000 bytes
        String bucket = "ssm-out-" + UUID.randomUUID().toString().substring(0, 8);
        try (S3Client s3 = moto.client(S3Client.builder().forcePathStyle(true))) {
            s3.createBucket(b -> b.bucket(bucket));
        }
        CmdResult viaS3 = remote("shell", "--instance", SsmEndpoint.DEFAULT_INSTANCE, "--set", "ssm.output.bucket=" + bucket, ACCENTS);
        assertThat(viaS3.exitCode()).as(viaS3.stderr()).isZero();
        assertThat(viaS3.stdout()).isEqualTo("é".repeat(36_000) + "\n");

        // the wrapper path: exactly 24,000 bytes is cut by SSM, so it must not be returned inline
        CmdResult exact = remote("shell", "--instance", SsmEndpoint.DEFAULT_INSTANCE, "head -c 24000 /dev/zero | tr '\\0' x");
        assertThat(exact.exitCode()).as(exact.stderr()).isZero();
        assertThat(exact.stdout()).isEqualTo("x".repeat(24_000) + "\n");
        CmdResult exactErr = remote("shell", "--instance", SsmEndpoint.DEFAULT_INSTANCE, "head -c 8000 /dev/zero | tr '\\0' e >&2");
        assertThat(exactErr.stderr()).contains("e".repeat(8_000)).doesNotContain(SsmEndpoint.TRUNCATED);

        // the marker in a script's own short output is output, not a cut
        CmdResult marker = remote("shell", "--instance", SsmEndpoint.DEFAULT_INSTANCE, "printf 'done " + SsmEndpoint.TRUNCATED + "'");
        assertThat(marker.stdout()).isEqualTo("done " + SsmEndpoint.TRUNCATED + "\n");
    }

    @Test
    void anOfflineInstanceIsGivenUpAfterTheDeliveryTimeoutTheOperatorChose() {
        String offline = "i-0aaaaaaaaaaaa0ff1";
        String awake = "i-0aaaaaaaaaaaa0a01";
        endpoint.instance(offline, Map.of("Name", "asleep")).offline(offline).instance(awake, Map.of("Name", "asleep"));
        CmdResult preview = remote("shell", "--instance", offline, "--set", "ssm.delivery-timeout=30", "--dry-run", "true");
        assertThat(preview.stdout()).contains("TimeoutSeconds: 30");
        // --targets, meanwhile: the instance SSM cannot reach is given up after the delivery timeout too, the other reported
        try (JBang.Running fleet = JBang.run("remote", "shell", "--targets", "tag:Name=asleep", "--set", "ssm.delivery-timeout=30",
                "--timeout", "5", "echo up on $MONET_INSTANCE_ID").env(env()).start(dir.resolve("fleet-offline"))) {
            // create-user: the client's own time-out is a way out too, and takes the password out of Parameter Store
            CmdResult r = JBang.run("remote", "create-user", "--instance", offline, "--set", "ssm.delivery-timeout=30", "--timeout", "5",
                    "--password-stdin", "late@example.com").env(env()).stdin("timed-out-password\n").call();
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).contains("not delivered to " + offline + " within 30 s").contains("ssm.delivery-timeout")
                    .contains("Delayed").contains("describe-instance-information").doesNotContain("timed-out-password");
            try (SsmClient parameters = moto.client(SsmClient.builder())) {
                assertThat(parameters.getParametersByPath(b -> b.path("/monet/tmp").recursive(true)).parameters())
                        .as("the one-time secret parameter after the time-out").isEmpty();
            }
            assertThat(endpoint.calls().stream().filter(c -> c.get("action").asText().equals("CancelCommand"))
                    .filter(c -> !c.get("body").has("InstanceIds")).count()).as("the undelivered command was cancelled").isPositive();

            assertThat(fleet.waitFor(Duration.ofSeconds(120))).as(fleet.stderr()).isEqualTo(1);
            assertThat(fleet.stdout().lines()).containsExactly("[" + awake + "] up on " + awake);
            assertThat(fleet.stderr()).contains("[" + offline + "] not delivered within 30 s (ssm.delivery-timeout)")
                    .contains("describe-instance-information").contains("1 of 2 instances failed");
            assertThat(endpoint.calls().stream().filter(c -> c.get("action").asText().equals("CancelCommand"))
                    .filter(c -> c.get("body").path("InstanceIds").toString().equals("[\"" + offline + "\"]")).count())
                    .as("only the undelivered invocation cancelled").isEqualTo(1);
        }

        for (String bad : List.of("29", "0", "2592001", "soon")) {
            CmdResult usage = remote("shell", "--instance", offline, "--set", "ssm.delivery-timeout=" + bad, "--dry-run", "true");
            assertThat(usage.exitCode()).as(bad).isEqualTo(2);
            assertThat(usage.stderr()).contains("ssm.delivery-timeout").contains("30 to 2592000");
        }
    }

    @Test
    void anInstanceSsmDoesNotManageIsExplained() {
        CmdResult r = remote("version", "--instance", "i-0abcdef0123456789");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("i-0abcdef0123456789").contains("stopped").contains("SSM agent").contains("instance profile")
                .contains("region").contains("aws ssm describe-instance-information");
        // a failure after the password went to Parameter Store takes it out again
        CmdResult user = JBang.run("remote", "create-user", "--instance", "i-0abcdef0123456789", "--password-stdin", "x@example.com")
                .env(env()).stdin("failure-path-password\n").call();
        assertThat(user.exitCode()).isEqualTo(1);
        try (SsmClient parameters = moto.client(SsmClient.builder())) {
            assertThat(parameters.getParametersByPath(b -> b.path("/monet/tmp").recursive(true)).parameters()).isEmpty();
        }
    }

    @Test
    void aStatusTheClientDoesNotKnowEndsTheWait() {
        endpoint.reportNext("Expired", "Expired");
        CmdResult r = remote("shell", "--instance", SsmEndpoint.DEFAULT_INSTANCE, "--timeout", "5", "echo ran");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("Expired").contains("does not know");
    }

    @Test
    void cancellingIsFinal() {
        endpoint.cancellingFor(Duration.ofMinutes(10)).failNext(SsmEndpoint.Failure.CANCELLED);
        try {
            CmdResult r = remote("shell", "--instance", SsmEndpoint.DEFAULT_INSTANCE, "--timeout", "5", "sleep 20");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).contains("is being cancelled");
        } finally {
            endpoint.cancellingFor(Duration.ofMillis(200));
        }
    }

    @Test
    void instancesLeftOutAtMaxErrorsAreReportedAsNotRun() {
        for (int i = 1; i <= 3; i++) {
            endpoint.instance("i-0ccccccccccccccc" + i, Map.of("Role", "batch"));
        }
        CmdResult r = remote("shell", "--targets", "tag:Role=batch", "--set", "ssm.max-concurrency=1", "--set", "ssm.max-errors=0",
                "[ \"$MONET_INSTANCE_ID\" != i-0ccccccccccccccc1 ] || { echo broken >&2; exit 4; }; echo ok");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("[i-0ccccccccccccccc1] broken").contains("[i-0ccccccccccccccc1] exited with 4")
                .contains("[i-0ccccccccccccccc2] not run").contains("[i-0ccccccccccccccc3] not run").contains("MaxErrors")
                .contains("3 of 3 instances failed");
    }

    @Test
    void oneInstancesUnreadableResultDoesNotLoseTheOthersAndResultsAreReadConcurrently() {
        for (int i = 1; i <= 3; i++) {
            endpoint.instance("i-0dddddddddddddd0" + i, Map.of("Role", "report"));
        }
        endpoint.throttle("GetCommandInvocation", "i-0dddddddddddddd02", 1000).latency("GetCommandInvocation", Duration.ofMillis(400));
        try {
            CmdResult r = remote("shell", "--targets", "tag:Role=report", "echo up on $MONET_INSTANCE_ID");
            assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
            assertThat(r.stdout().lines()).as(r.stderr()).containsExactly("[i-0dddddddddddddd01] up on i-0dddddddddddddd01",
                    "[i-0dddddddddddddd03] up on i-0dddddddddddddd03");
            assertThat(r.stderr()).contains("[i-0dddddddddddddd02]").contains("Rate exceeded").contains("1 of 3 instances failed");
            assertThat(endpoint.maxInFlight("GetCommandInvocation")).as("results read concurrently").isGreaterThan(1);
        } finally {
            endpoint.throttle("GetCommandInvocation", "i-0dddddddddddddd02", 0).latency("GetCommandInvocation", Duration.ZERO);
        }
    }

    @Test
    void theTimeoutIsCheckedOnEveryTransport() {
        for (String via : List.of("ssm", "ssh", "local")) {
            for (String bad : List.of("0", "-5", "172801")) {
                CmdResult r = remote("shell", "--via", via, "--timeout", bad, "--dry-run", "true");
                assertThat(r.exitCode()).as(via + " " + bad).isEqualTo(2);
                assertThat(r.stderr()).as(via + " " + bad).contains("--timeout").contains("1 to 172800");
            }
            CmdResult max = remote("shell", "--via", via, "--timeout", "172800", "--dry-run", "true");
            assertThat(max.exitCode()).as(via + " " + max.stderr()).isZero();
        }
        CmdResult configured = remote("shell", "--set", "remote.timeout=0", "--dry-run", "true");
        assertThat(configured.exitCode()).isEqualTo(2);
        assertThat(configured.stderr()).contains("remote.timeout").contains("1 to 172800");
    }

    @Test
    void theTargetsPreviewShowsDollarsAndBackslashesAsTyped() {
        CmdResult r = remote("shell", "--targets", "tag:Name=a$1\\b", "--dry-run", "true");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("Targets tag:Name=a$1\\b");
    }
}

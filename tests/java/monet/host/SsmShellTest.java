package monet.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import monet.MonetException;
import monet.host.RemoteShell.RemoteCommand;
import monet.host.RemoteShell.RemoteResult;
import monet.testing.Moto;
import monet.testing.SsmEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/** SsmShell against the SSM test endpoint, which really runs the scripts in a host sandbox. */
class SsmShellTest {
    @TempDir
    static Path sandbox;
    static SsmEndpoint endpoint;
    static SsmClient ssm;

    @BeforeAll
    static void start() {
        endpoint = SsmEndpoint.start(sandbox);
        ssm = endpoint.client();
    }

    @AfterAll
    static void stop() {
        endpoint.stop();
    }

    static SsmShell shell() {
        return SsmShell.on(ssm, SsmEndpoint.DEFAULT_INSTANCE, SsmShell.Options.defaults("us-east-1").withProgress(false));
    }

    static RemoteResult run(String script) {
        return shell().run(RemoteCommand.of("test", script, Duration.ofSeconds(30)));
    }

    @Test
    void successAndFailureCarryTheScriptsExitCodeAndOutput() {
        RemoteResult ok = run("echo hello; echo note >&2");
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.stdout()).isEqualTo("hello\n");
        assertThat(ok.stderr()).isEqualTo("note\n");

        RemoteResult failed = run("echo partial; echo 'it broke' >&2; exit 7");
        assertThat(failed.exitCode()).isEqualTo(7);
        assertThat(failed.stdout()).isEqualTo("partial\n");
        assertThat(failed.stderr()).isEqualTo("it broke\n");
    }

    @Test
    void outputBeyondSsmsLimitsIsReadBackWholeAndTheSpillIsRemoved() throws IOException {
        List<Path> before = spills();
        RemoteResult big = run("seq 1 50000; seq 1 3000 | sed 's/^/err /' >&2");
        assertThat(big.stdout().lines()).hasSize(50000).startsWith("1").endsWith("50000");
        assertThat(big.stderr().lines()).hasSize(3000).endsWith("err 3000");
        assertThat(big.stdout().length()).isGreaterThan(SsmShell.STDOUT_LIMIT * 10);
        assertThat(spills()).as("spilled output removed from the host").isEqualTo(before);
        assertThat(endpoint.scripts().get(endpoint.scripts().size() - 1)).startsWith("MONET_SPILL_ID=")
                .contains("rm -rf \"${TMPDIR:-/tmp}/monet-ssm.$MONET_SPILL_ID\"");
    }

    static List<Path> spills() throws IOException {
        try (Stream<Path> all = Files.list(sandbox.resolve("tmp"))) {
            return all.sorted().toList();
        }
    }

    @Test
    void outputJustUnderTheLimitComesInlineAndAtTheLimitWhole() {
        long before = endpoint.count("SendCommand");
        RemoteResult under = run("head -c 23999 /dev/zero | tr '\\0' x");
        assertThat(under.stdout()).isEqualTo("x".repeat(23_999));
        assertThat(endpoint.count("SendCommand") - before).as("no paging commands").isEqualTo(1);
        // the agent cuts output that reaches 24,000 bytes: the wrapper keeps it, and it is read back
        RemoteResult at = run("head -c 24000 /dev/zero | tr '\\0' x");
        assertThat(at.stdout()).isEqualTo("x".repeat(24_000));
    }

    @Test
    void invocationDoesNotExistRightAfterSendingMeansNotYet() {
        endpoint.invisibleFor(Duration.ofMillis(700));
        try {
            assertThat(run("echo visible").stdout()).isEqualTo("visible\n");
        } finally {
            endpoint.invisibleFor(Duration.ofMillis(150));
        }
    }

    @Test
    void throttlingIsWaitedOut() {
        endpoint.throttle("GetCommandInvocation", 7);
        assertThat(run("echo patient").stdout()).isEqualTo("patient\n");
    }

    @Test
    void undeliverableIsAFailureThatSaysWhy() {
        endpoint.failNext(SsmEndpoint.Failure.UNDELIVERABLE);
        assertThatThrownBy(() -> run("echo never")).isInstanceOf(MonetException.class)
                .hasMessageContaining("undeliverable").hasMessageContaining("SSM agent");
    }

    @Test
    void deliveryTimeoutIsAFailureThatSaysWhy() {
        String offline = "i-0bbbbbbbbbbbbbbb1";
        endpoint.instance(offline, Map.of("Name", "asleep")).offline(offline);
        SsmShell shell = SsmShell.on(ssm, offline, new SsmShell.Options("us-east-1", "", () -> null, Duration.ofSeconds(30), false, "", ""));
        assertThatThrownBy(() -> shell.run(RemoteCommand.of("test", "echo never", Duration.ofSeconds(1))))
                .isInstanceOf(MonetException.class).hasMessageContaining("was not delivered to " + offline + " within 30 s")
                .hasMessageContaining("Delayed");
    }

    @Test
    void cancelledIsAFailureThatSaysWhy() {
        endpoint.failNext(SsmEndpoint.Failure.CANCELLED);
        assertThatThrownBy(() -> run("sleep 5")).isInstanceOf(MonetException.class).hasMessageContaining("is being cancelled");
    }

    @Test
    void executionTimeoutStopsTheCommandAndRemovesTheOutputItKept() throws IOException {
        List<Path> before = spills();
        assertThatThrownBy(() -> shell().run(RemoteCommand.of("slow", "seq 1 50000; sleep 10", Duration.ofSeconds(1))))
                .isInstanceOf(MonetException.class).hasMessageContaining("execution timeout of 1 s");
        assertThat(spills()).as("the output the stopped command was writing, removed from the host").isEqualTo(before);
    }

    @Test
    void linesAreHandedToTheConsumers() {
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        List<String> err = Collections.synchronizedList(new ArrayList<>());
        shell().run(RemoteCommand.of("lines", "printf 'a\\nb\\n'; echo c >&2", Duration.ofSeconds(30)).streaming(out::add, err::add));
        assertThat(out).containsExactly("a", "b");
        assertThat(err).containsExactly("c");
    }

    @Test
    void fullOutputFromTheS3BucketWhenConfigured() {
        Moto moto = Moto.get();
        endpoint.proxyTo(moto.endpoint());
        S3Client s3 = S3Client.builder().endpointOverride(java.net.URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        s3.createBucket(b -> b.bucket("ssm-output"));
        SsmShell shell = SsmShell.on(ssm, SsmEndpoint.DEFAULT_INSTANCE, SsmShell.Options.defaults("us-east-1")
                .withProgress(false).withOutputBucket("ssm-output", () -> s3));
        RemoteResult big = shell.run(RemoteCommand.of("big", "seq 1 20000", Duration.ofSeconds(30)));
        assertThat(big.stdout().lines()).hasSize(20000).endsWith("20000");
        assertThat(endpoint.scripts().get(endpoint.scripts().size() - 1)).doesNotContain("monet_spill");
    }

    @Test
    void pollScheduleStartsWithinAHundredMillisecondsAndNeverExceedsASecond() {
        PollSchedule schedule = new PollSchedule();
        assertThat(schedule.next(Duration.ZERO, false)).isLessThanOrEqualTo(Duration.ofMillis(100));
        Duration max = Duration.ZERO;
        for (int i = 0; i < 50; i++) {
            Duration d = schedule.next(Duration.ofSeconds(i), false);
            max = d.compareTo(max) > 0 ? d : max;
            if (i < 10) {
                assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(250));
            }
        }
        assertThat(max).isEqualTo(Duration.ofSeconds(1));
        assertThat(schedule.next(Duration.ofSeconds(60), true)).isGreaterThan(Duration.ofSeconds(1));
    }

    static Map<String, String> none() {
        return Map.of();
    }
}

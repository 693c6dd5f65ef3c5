package monet.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import monet.process.CmdResult;
import monet.testing.HostSandbox;
import monet.testing.JBang;
import monet.testing.Moto;
import monet.testing.Sshd;
import monet.testing.SsmEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ssm.SsmClient;

/** End to end through the real {@code ./jbang remote}: moto for EC2 and Parameter Store, the SSM test endpoint, sshd, local. */
class RemoteScriptTest {
    static final ObjectMapper JSON = new ObjectMapper();
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

    static HostSandbox host() {
        return endpoint.host();
    }

    /** ./jbang remote ARGS with SSM at the test endpoint (EC2, Parameter Store at moto). */
    static CmdResult remote(String stdin, Map<String, String> env, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "remote";
        System.arraycopy(args, 0, all, 1, args.length);
        return JBang.run(all).env(env).stdin(stdin).call();
    }

    static Map<String, String> viaEndpoint() {
        return endpoint.scriptEnv();
    }

    static Map<String, String> viaMoto() {
        Map<String, String> env = new LinkedHashMap<>(moto.env());
        env.putAll(host().clientEnv());
        return env;
    }

    static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>, C> C client(B builder) {
        return builder.endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build();
    }

    static String launch(Ec2Client ec2, String name) {
        return ec2.runInstances(b -> b.imageId("ami-12c6146b").minCount(1).maxCount(1).instanceType("t3.small")
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                        .tags(Tag.builder().key("Name").value(name).build()).build())).instances().get(0).instanceId();
    }

    @Test
    void discoveryByTagAgainstMotoAndWhatIsSentToSsm() throws Exception {
        moto.reset();
        Ec2Client ec2 = client(Ec2Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()));
        SsmClient ssm = client(SsmClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()));

        CmdResult none = remote("", viaMoto(), "version");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.stderr()).contains("no running instance is tagged Name=drawing-agent (found: none at all)");

        String stopped = launch(ec2, "drawing-agent");
        ec2.stopInstances(b -> b.instanceIds(stopped));
        CmdResult onlyStopped = remote("", viaMoto(), "version");
        assertThat(onlyStopped.exitCode()).isEqualTo(1);
        assertThat(onlyStopped.stderr()).contains("no running instance").contains(stopped + " (stopped");

        String running = launch(ec2, "drawing-agent");
        launch(ec2, "something-else");
        CmdResult one = remote("hunter2-secret-password\n", viaMoto(), "create-user", "new@example.com", "--password-stdin");
        assertThat(one.exitCode()).as(one.stderr()).isZero();
        var sent = ssm.listCommands(b -> {}).commands();
        assertThat(sent).hasSize(1);
        // (moto adds every instance of the region to InstanceIds, a moto bug: which one we chose is checked below)
        assertThat(sent.get(0).instanceIds()).contains(running);
        assertThat(sent.get(0).documentName()).isEqualTo("AWS-RunShellScript");
        String parameters = sent.get(0).parameters().toString();
        assertThat(parameters).contains("get-parameter").contains("/monet/tmp/").contains("new@example.com")
                .doesNotContain("hunter2");
        assertThat(ssm.getParametersByPath(b -> b.path("/monet/tmp").recursive(true)).parameters())
                .as("the one-time parameter was deleted").isEmpty();
        assertThat(one.stdout() + one.stderr()).doesNotContain("hunter2");

        // EC2 at moto, SSM at the endpoint (which manages the instance): the request names exactly the one running instance
        endpoint.instance(running, Map.of("Name", "drawing-agent"));
        Map<String, String> mixed = new LinkedHashMap<>(viaMoto());
        mixed.put("AWS_ENDPOINT_URL_SSM", endpoint.endpoint());
        CmdResult version = remote("", mixed, "version");
        assertThat(version.exitCode()).as(version.stderr()).isZero();
        assertThat(version.stdout().strip()).isEqualTo(HostSandbox.IMAGE_TAG);
        JsonNode request = endpoint.calls().stream().filter(c -> c.get("action").asText().equals("SendCommand"))
                .reduce((a, b) -> b).orElseThrow().get("body");
        assertThat(request.get("InstanceIds").toString()).isEqualTo("[\"" + running + "\"]");

        launch(ec2, "drawing-agent");
        CmdResult two = remote("", viaMoto(), "version");
        assertThat(two.exitCode()).isEqualTo(1);
        assertThat(two.stderr()).contains("2 running instances are tagged Name=drawing-agent").contains(running)
                .contains("--instance");
    }

    @Test
    void shellThroughTheEndpointReturnsTheRemoteExitCode() {
        CmdResult r = remote("", viaEndpoint(), "shell", "--instance", SsmEndpoint.DEFAULT_INSTANCE, "echo \"from $MONET_INSTANCE_ID\"; exit 3");
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("from " + SsmEndpoint.DEFAULT_INSTANCE + "\n");
    }

    @Test
    void logsFiveThousandLines() {
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 1; i <= 6000; i++) {
            lines.add("e2e line " + i + " with some padding to make the output long enough to matter");
        }
        host().appendLog("drawing-agent", lines);
        CmdResult r = remote("", viaEndpoint(), "logs", "-n", "5000", "--instance", SsmEndpoint.DEFAULT_INSTANCE);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines()).hasSize(5000).endsWith("e2e line 6000 with some padding to make the output long enough to matter");
    }

    @Test
    void allRunsThroughSsmTargetingAndFailsIfAnyInstanceFails() throws Exception {
        endpoint.instance("i-0aaaaaaaaaaaaaaa1", Map.of("Role", "web")).instance("i-0aaaaaaaaaaaaaaa2", Map.of("Role", "web"))
                .instance("i-0aaaaaaaaaaaaaaa3", Map.of("Role", "web"));
        CmdResult ok = remote("", viaEndpoint(), "shell", "--targets", "tag:Role=web", "echo up on $MONET_INSTANCE_ID");
        assertThat(ok.exitCode()).as(ok.stderr()).isZero();
        assertThat(ok.stdout().lines()).containsExactly("[i-0aaaaaaaaaaaaaaa1] up on i-0aaaaaaaaaaaaaaa1",
                "[i-0aaaaaaaaaaaaaaa2] up on i-0aaaaaaaaaaaaaaa2", "[i-0aaaaaaaaaaaaaaa3] up on i-0aaaaaaaaaaaaaaa3");
        JsonNode send = endpoint.calls().stream().filter(c -> c.get("action").asText().equals("SendCommand"))
                .reduce((a, b) -> b).orElseThrow().get("body");
        assertThat(send.get("Targets").get(0).get("Key").asText()).isEqualTo("tag:Role");
        assertThat(send.get("MaxConcurrency").asText()).isEqualTo("10");
        assertThat(send.has("InstanceIds")).isFalse();

        CmdResult bad = remote("", viaEndpoint(), "shell", "--targets", "tag:Role=web", "--set", "ssm.max-concurrency=1",
                "--set", "ssm.max-errors=1",
                "[ $MONET_INSTANCE_ID != i-0aaaaaaaaaaaaaaa2 ] || { echo broken >&2; exit 5; }");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stderr()).contains("[i-0aaaaaaaaaaaaaaa2] broken").contains("1 of 3 instances failed");
    }

    @Test
    void transportFailuresExitOneWithTheReason() {
        endpoint.failNext(SsmEndpoint.Failure.UNDELIVERABLE);
        CmdResult r = remote("", viaEndpoint(), "version", "--instance", SsmEndpoint.DEFAULT_INSTANCE);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("undeliverable");
    }

    @Test
    void injectionThroughTheRealScriptRunsNothing() {
        Path marker = host().dir().resolve("PWNED-E2E");
        CmdResult r = remote("", viaEndpoint(), "exec", "--instance", SsmEndpoint.DEFAULT_INSTANCE, "'; touch " + marker + "; '");
        assertThat(r.exitCode()).isNotZero();
        CmdResult user = remote("pw\n", viaEndpoint(), "create-user", "--instance", SsmEndpoint.DEFAULT_INSTANCE,
                "--password-stdin", "x@y.com; touch " + marker);
        assertThat(user.exitCode()).isEqualTo(2);
        CmdResult service = remote("", viaEndpoint(), "restart", "--instance", SsmEndpoint.DEFAULT_INSTANCE, "$(touch " + marker + ")");
        assertThat(service.exitCode()).isEqualTo(2);
        assertThat(marker).doesNotExist();
    }

    @Test
    void dryRunPrintsWhatWouldBeSentAndSendsNothing() {
        long before = endpoint.count("SendCommand");
        CmdResult r = remote("", viaEndpoint(), "db", "--dry-run", "SELECT 1");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("# SSM SendCommand to the running instance tagged Name=drawing-agent")
                .contains("SQL='SELECT 1'\nWRITE=no\n").contains("# --- db.sh\n").contains("sqlite3 \"$@\" \"$DATABASE\" \"$SQL\"");
        assertThat(endpoint.count("SendCommand")).isEqualTo(before);
    }

    @Test
    void viaLocalAndViaSsh() {
        Map<String, String> env = new LinkedHashMap<>(host().clientEnv());
        env.putAll(host().env());
        CmdResult local = remote("", env, "version", "--via", "local");
        assertThat(local.exitCode()).as(local.stderr()).isZero();
        assertThat(local.stdout().strip()).isEqualTo(HostSandbox.IMAGE_TAG);

        try (Sshd sshd = Sshd.start(dir.resolve("sshd"), host().env())) {
            List<String> args = new java.util.ArrayList<>(List.of("db", "--via", "ssh", "--json", "SELECT title FROM drawings ORDER BY id LIMIT 1"));
            sshd.config().forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
            CmdResult ssh = remote("", host().clientEnv(), args.toArray(String[]::new));
            assertThat(ssh.exitCode()).as(ssh.stderr()).isZero();
            assertThat(ssh.stdout()).contains("\"title\":\"sunrise\"");

            List<String> session = new java.util.ArrayList<>(List.of("ssh"));
            sshd.config().forEach((k, v) -> session.addAll(List.of("--set", k + "=" + v)));
            CmdResult interactive = remote("echo session-for-$(id -un)\nexit 0\n", host().clientEnv(), session.toArray(String[]::new));
            assertThat(interactive.exitCode()).as(interactive.stderr()).isZero();
            assertThat(interactive.stdout()).contains("session-for-" + Sshd.user());
        }
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(remote("", viaEndpoint(), "logs", "--via", "carrier-pigeon").exitCode()).isEqualTo(2);
        assertThat(remote("", viaEndpoint(), "create-user", "not-an-email").exitCode()).isEqualTo(2);
        // the arguments swapped: the "email" is the password, and no message repeats it
        CmdResult swapped = remote("", viaEndpoint(), "create-user", "Swapped-Secret-9", "ann@example.com");
        assertThat(swapped.exitCode()).isEqualTo(2);
        assertThat(swapped.stderr()).contains("EMAIL").doesNotContain("Swapped-Secret-9");
        assertThat(swapped.stdout()).doesNotContain("Swapped-Secret-9");
    }

    @Test
    void helpNamesWhatEveryCommandTakesAndTheHostsOwnPaths() {
        CmdResult top = remote("", Map.of(), "--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.stdout()).contains("--timeout SECONDS (1 to 172800").contains("ssm.delivery-timeout")
                .contains("remote cleanup").contains("130");
        for (String command : List.of("logs", "status", "restart", "version", "exec", "shell", "db")) {
            assertThat(remote("", Map.of(), command, "--help").stdout()).as(command).contains("--targets").contains("--timeout");
        }
        // the kept output is in the host's TMPDIR, not this machine's: picocli must not expand ${TMPDIR:-/tmp} here
        CmdResult cleanup = JBang.run("remote", "cleanup", "--help").env("TMPDIR", dir.toString()).call();
        assertThat(cleanup.stdout().replaceAll("\\s+", " ")).contains("${TMPDIR:-/tmp}/monet-ssm.*")
                .doesNotContain(dir.toString());
    }
}

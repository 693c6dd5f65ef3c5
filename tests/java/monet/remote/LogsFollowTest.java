package monet.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import monet.process.CmdResult;
import monet.testing.JBang;
import monet.testing.Moto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * {@code remote logs --follow} through the real {@code ./jbang}: with a log group (logs.group)
 * it reads the stream the CloudWatch agent writes (moto's CloudWatch Logs), picks the service's
 * lines by the container name docker's json-file driver adds (attrs.tag) and sends no SSM
 * command; without one it polls over SSM, at most every 5 s.
 */
class LogsFollowTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String INSTANCE = "i-0c10dd0000000c001";
    @TempDir
    static Path dir;
    static Moto moto;
    static CloudWatchLogsClient logs;
    static SsmClient ssm;

    @BeforeAll
    static void start() {
        moto = Moto.get();
        logs = moto.client(CloudWatchLogsClient.builder());
        ssm = moto.client(SsmClient.builder());
    }

    /** A log group with the agent's stream for INSTANCE. */
    static String group() {
        String group = "/monet-" + UUID.randomUUID().toString().substring(0, 8) + "/app";
        logs.createLogGroup(b -> b.logGroupName(group));
        logs.createLogStream(b -> b.logGroupName(group).logStreamName(INSTANCE + "/containers"));
        return group;
    }

    /** One line of docker's json-file log with the tag option set to the container's name. */
    static String dockerLine(String container, String stream, String text, Instant time) {
        ObjectNode line = JSON.createObjectNode().put("log", text).put("stream", stream);
        line.putObject("attrs").put("tag", container);
        return line.put("time", time.toString()).toString();
    }

    /** Ships lines as the CloudWatch agent does: one event per line of the container's log file. */
    static void ship(String group, List<String> lines) {
        long now = System.currentTimeMillis();
        List<InputLogEvent> events = new ArrayList<>();
        for (String line : lines) {
            events.add(InputLogEvent.builder().timestamp(now++).message(line).build());
        }
        logs.putLogEvents(b -> b.logGroupName(group).logStreamName(INSTANCE + "/containers").logEvents(events));
    }

    static Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>(moto.env());
        env.put("MONET_INSTANCE_ID", INSTANCE);
        return env;
    }

    static int commandsSent() {
        return ssm.listCommands(b -> {}).commands().size();
    }

    @Test
    void followsOneServicesLinesThroughCloudWatchLogsOnceEachAndSendsNoCommand() {
        String group = group();
        Instant t = Instant.now().minusSeconds(30);
        ship(group, List.of(
                dockerLine("web-ssr", "stdout", "ssr old 1\n", t),
                dockerLine("drawing-agent", "stdout", "api 1\n", t),
                dockerLine("web-ssr", "stdout", "ssr old 2\n", t.plusMillis(1)),
                "cloud-init: not a container line",
                // docker splits a line over 16 KiB into parts; only the last ends with a newline
                dockerLine("web-ssr", "stdout", "ssr long " + "x".repeat(100), t.plusMillis(2)),
                dockerLine("web-ssr", "stdout", "y".repeat(100) + "\n", t.plusMillis(2)),
                dockerLine("drawing-agent", "stderr", "api 2\n", t.plusMillis(3)),
                dockerLine("web-ssr", "stderr", "ssr warning\n", t.plusMillis(4))));
        int before = commandsSent();
        try (JBang.Running follow = JBang.run("remote", "logs", "--follow", "--service", "web-ssr", "-n", "3", "--every", "1",
                "--set", "logs.group=" + group).env(env()).start(dir.resolve("follow"))) {
            follow.awaitStdout("ssr warning", Duration.ofSeconds(120));
            ship(group, List.of(dockerLine("web-ssr", "stdout", "ssr new 1\n", Instant.now()),
                    dockerLine("drawing-agent", "stdout", "api 3\n", Instant.now()),
                    dockerLine("web-ssr", "stdout", "ssr new 2\n", Instant.now())));
            follow.awaitStdout("ssr new 2", Duration.ofSeconds(30));
            follow.signal("INT");
            assertThat(follow.waitFor(Duration.ofSeconds(30))).isEqualTo(130);
            assertThat(follow.stdout().lines()).containsExactly("ssr old 2", "ssr long " + "x".repeat(100) + "y".repeat(100),
                    "ssr warning", "ssr new 1", "ssr new 2");
        }
        assertThat(commandsSent()).as("no SSM command: CloudWatch Logs only").isEqualTo(before);
    }

    @Test
    void timestampsAreDockersAndSinceReadsFromThen() {
        String group = group();
        Instant old = Instant.parse("2026-01-02T03:04:05.123456789Z");
        Instant recent = Instant.now().minusSeconds(60);
        logs.putLogEvents(b -> b.logGroupName(group).logStreamName(INSTANCE + "/containers").logEvents(
                InputLogEvent.builder().timestamp(System.currentTimeMillis() - 3_600_000).message(dockerLine("web-ssr", "stdout",
                        "an hour ago\n", old)).build(),
                InputLogEvent.builder().timestamp(recent.toEpochMilli()).message(dockerLine("web-ssr", "stdout", "a minute ago\n",
                        recent)).build()));
        try (JBang.Running follow = JBang.run("remote", "logs", "--follow", "--service", "web-ssr", "--since", "10m", "-t",
                "--set", "logs.group=" + group).env(env()).start(dir.resolve("since"))) {
            follow.awaitStdout("a minute ago", Duration.ofSeconds(120));
            follow.signal("TERM");
            assertThat(follow.waitFor(Duration.ofSeconds(30))).isEqualTo(143);
            assertThat(follow.stdout().lines()).containsExactly(recent + " a minute ago");
        }
    }

    @Test
    void aMissingStreamOrGroupSaysWhatToCheck() {
        String group = "/monet-" + UUID.randomUUID().toString().substring(0, 8) + "/app";
        CmdResult noGroup = JBang.run("remote", "logs", "--follow", "--set", "logs.group=" + group).env(env()).call();
        assertThat(noGroup.exitCode()).isEqualTo(1);
        assertThat(noGroup.stderr()).contains("log group " + group).contains("logs.group").contains("app_log_group");

        logs.createLogGroup(b -> b.logGroupName(group));
        CmdResult noStream = JBang.run("remote", "logs", "--follow", "--set", "logs.group=" + group).env(env()).call();
        assertThat(noStream.exitCode()).isEqualTo(1);
        assertThat(noStream.stderr()).contains(INSTANCE + "/containers").contains("CloudWatch agent");
    }

    @Test
    void linesWithoutTheContainersNameAreExplained() {
        String group = group();
        ship(group, List.of("{\"log\":\"untagged\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-01T00:00:00Z\"}"));
        try (JBang.Running follow = JBang.run("remote", "logs", "--follow", "--set", "logs.group=" + group).env(env())
                .start(dir.resolve("untagged"))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!follow.stderr().contains("tag") && System.nanoTime() < deadline) {
                sleep(200);
            }
            follow.signal("INT");
            follow.waitFor(Duration.ofSeconds(30));
            assertThat(follow.stderr()).contains("attrs.tag").contains("docker-compose.prod.yml");
        }
    }

    @Test
    void dryRunShowsThePlanAndIntervalsAreChecked() {
        CmdResult cloudWatch = JBang.run("remote", "logs", "--follow", "--dry-run", "--service", "web-ssr").env(env()).call();
        assertThat(cloudWatch.exitCode()).as(cloudWatch.stderr()).isZero();
        assertThat(cloudWatch.stdout()).contains("GetLogEvents").contains("/monet/app").contains(INSTANCE + "/containers")
                .contains("web-ssr").contains("every 2.0s");

        CmdResult polling = JBang.run("remote", "logs", "--follow", "--dry-run", "--set", "logs.group=").env(env()).call();
        assertThat(polling.exitCode()).as(polling.stderr()).isZero();
        assertThat(polling.stdout()).contains("# SSM SendCommand").contains("LINES=100\nSINCE=''\nTIMESTAMPS=yes\n# --- logs.sh")
                .contains("every 10.0s").containsPattern("LINES=-1\nSINCE=\\d{4}-\\d\\d-\\d\\dT\\S+\nTIMESTAMPS=yes\n");

        for (String every : List.of("-1", "0", "NaN")) {
            CmdResult bad = JBang.run("remote", "logs", "--follow", "--dry-run", "--every", every).env(env()).call();
            assertThat(bad.exitCode()).as(every).isEqualTo(2);
            assertThat(bad.stderr()).contains("--every");
        }
        CmdResult tooOften = JBang.run("remote", "logs", "--follow", "--every", "1", "--set", "logs.group=").env(env()).call();
        assertThat(tooOften.exitCode()).isEqualTo(2);
        assertThat(tooOften.stderr()).contains("5 s").contains("logs.group");
    }

    @Test
    void theStreamAndTheContainerNameAgreeWithWhatTheServerIsConfiguredWith() throws Exception {
        // user_data.sh's CloudWatch agent configuration: the docker json-file logs go to {instance_id}/containers
        String userData = java.nio.file.Files.readString(monet.testing.Repo.file("infrastructure/user_data.sh"));
        java.util.regex.Matcher agent = java.util.regex.Pattern.compile("amazon-cloudwatch-agent\\.json\"? <<JSON\n(.*?)\nJSON\n",
                java.util.regex.Pattern.DOTALL).matcher(userData);
        assertThat(agent.find()).as("the agent's configuration in user_data.sh").isTrue();
        com.fasterxml.jackson.databind.JsonNode config = JSON.readTree(agent.group(1).replace("$log_group", "/monet/app")
                .replace("$DATA_DIR", "/home/ec2-user/data").replace("\\$", "$"));
        com.fasterxml.jackson.databind.JsonNode containers = null;
        for (com.fasterxml.jackson.databind.JsonNode entry : config.at("/logs/logs_collected/files/collect_list")) {
            if (entry.path("file_path").asText().equals("/var/lib/docker/containers/*/*-json.log")) {
                containers = entry;
            }
        }
        assertThat(containers).as("the agent collects docker's json-file logs").isNotNull();
        assertThat(containers.path("log_stream_name").asText().replace("{instance_id}", INSTANCE))
                .isEqualTo(CloudWatchFollower.streamOf(INSTANCE));
        // the log group Terraform creates ("/${var.project}/app", project "monet") is logs.group's default
        assertThat(monet.config.Config.load(Map.of(), dir, Map.of()).get(monet.config.Keys.LOGS_GROUP)).isEqualTo("/monet/app");
        assertThat(java.nio.file.Files.readString(monet.testing.Repo.file("infrastructure/main.tf")))
                .contains("app_log_group = \"/${var.project}/app\"");
        // every service's lines carry its container name
        // (PyYAML, as ComposeFileTest reads it: it resolves the file's YAML anchors, Jackson's YAML does not)
        com.fasterxml.jackson.databind.JsonNode compose = JSON.readTree(monet.process.Cmd.of("python3", "-c",
                "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
                monet.testing.Repo.file("infrastructure/server/docker-compose.prod.yml").toString()).run().stdout());
        compose.path("services").properties().forEach(service -> {
            assertThat(service.getValue().at("/logging/driver").asText()).as(service.getKey()).isEqualTo("json-file");
            assertThat(service.getValue().at("/logging/options/tag").asText()).as(service.getKey()).isEqualTo("{{.Name}}");
        });
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

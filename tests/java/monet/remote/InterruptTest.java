package monet.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import monet.process.CmdResult;
import monet.testing.JBang;
import monet.testing.Moto;
import monet.testing.SsmEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Ctrl-C (SIGINT) and kill (SIGTERM) to the real {@code ./jbang remote} process at a sweep of
 * moments, against the SSM test endpoint with slow commands: afterwards no one-time secret
 * parameter remains in Parameter Store (moto), no command keeps running on the instance, and no
 * spilled output stays on it. What a SIGKILL leaves behind, {@code remote cleanup} and the next
 * create-user remove.
 */
class InterruptTest {
    @TempDir
    static Path dir;
    static SsmEndpoint endpoint;
    static SsmClient parameters;
    /** The app's create-user, slow enough to be interrupted while it runs. */
    static final String SLOW_CLI = "sleep 30; uv run python -m drawing_agent.cli create-user --password-stdin";

    @BeforeAll
    static void start() {
        Moto moto = Moto.get();
        endpoint = SsmEndpoint.start(dir.resolve("host")).proxyTo(moto.endpoint());
        parameters = moto.client(SsmClient.builder());
    }

    @AfterAll
    static void stop() {
        endpoint.stop();
    }

    static Map<String, String> env() {
        return endpoint.scriptEnv();
    }

    static JBang remote(String... args) {
        List<String> all = new ArrayList<>(List.of("remote"));
        all.addAll(List.of(args));
        return JBang.run(all.toArray(String[]::new)).env(env());
    }

    static List<String> secretParameters() {
        return parameters.getParametersByPath(b -> b.path("/monet/tmp").recursive(true)).parameters().stream()
                .map(p -> p.name()).toList();
    }

    static List<Path> spills() {
        try (Stream<Path> all = Files.list(endpoint.host().dir().resolve("tmp"))) {
            return all.filter(p -> p.getFileName().toString().startsWith("monet-ssm.")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits until the condition holds (the process's last requests may still be in flight when it exits). */
    static void eventually(String what, BooleanSupplier condition) {
        eventually(what, Duration.ofSeconds(20), condition);
    }

    static void eventually(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what);
            }
            sleep(100);
        }
    }

    /**
     * The moments: early (JBang still starting), as soon as the parameter exists, right after
     * SendCommand (not yet visible, then Pending), while the command runs, and later while it runs.
     */
    enum Moment { EARLY, PUT, SENT, RUNNING, LATE }

    static void awaitMoment(Moment moment, long sentBefore, JBang.Running process) {
        switch (moment) {
            case EARLY -> sleep(1500);
            case PUT -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (secretParameters().isEmpty() && process.isAlive() && System.nanoTime() < deadline) {
                    sleep(20);
                }
            }
            case SENT -> {
                // right after SendCommand: InvocationDoesNotExist, then Pending
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (endpoint.count("SendCommand") == sentBefore && process.isAlive() && System.nanoTime() < deadline) {
                    sleep(20);
                }
            }
            case RUNNING -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (endpoint.running().isEmpty() && process.isAlive() && System.nanoTime() < deadline) {
                    sleep(20);
                }
            }
            case LATE -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (endpoint.running().isEmpty() && process.isAlive() && System.nanoTime() < deadline) {
                    sleep(20);
                }
                sleep(2000);
            }
        }
    }

    @Test
    void createUserInterruptedAtAnyMomentLeavesNoSecretAndNoCommand() {
        endpoint.pendingFor(Duration.ofMillis(1500));
        try {
            int n = 0;
            for (String signal : List.of("INT", "TERM")) {
                for (Moment moment : Moment.values()) {
                    n++;
                    String password = "interrupted-secret-" + n + "-" + signal;
                    long sent = endpoint.count("SendCommand");
                    try (JBang.Running run = remote("create-user", "--instance", SsmEndpoint.DEFAULT_INSTANCE, "--password-stdin",
                            "--set", "app.cli.create-user=" + SLOW_CLI, "user" + n + "@example.com")
                            .stdin(password + "\n").start(dir.resolve("run-" + n))) {
                        awaitMoment(moment, sent, run);
                        run.signal(signal);
                        int code = run.waitFor(Duration.ofSeconds(60));
                        String context = signal + " at " + moment + ": exit " + code + "\n" + run.stderr();
                        assertThat(code).as(context).isEqualTo(signal.equals("INT") ? 130 : 143);
                        assertThat(run.stdout() + run.stderr()).as(context).doesNotContain(password);
                        eventually("no secret parameter left, " + context, () -> secretParameters().isEmpty());
                        eventually("no command running on the instance, " + context, () -> endpoint.running().isEmpty());
                        eventually("no output kept on the host, " + context, () -> spills().isEmpty());
                    }
                }
            }
        } finally {
            endpoint.pendingFor(Duration.ofMillis(50));
        }
    }

    @Test
    void ctrlCCancelsEveryInstanceOfTargets() {
        for (int i = 1; i <= 3; i++) {
            endpoint.instance("i-0eeeeeeeeeeeee00" + i, Map.of("Role", "sleepy"));
        }
        try (JBang.Running run = remote("shell", "--targets", "tag:Role=sleepy", "sleep 30").start(dir.resolve("targets"))) {
            eventually("all three running", () -> endpoint.running().size() == 3);
            run.signal("INT");
            assertThat(run.waitFor(Duration.ofSeconds(60))).isEqualTo(130);
            eventually("every instance's command stopped", () -> endpoint.running().isEmpty());
            assertThat(run.stderr()).contains("cancel");
        }
    }

    @Test
    void aLargeOutputReadInterruptedLeavesNothingOnTheHost() {
        endpoint.latency("GetCommandInvocation", Duration.ofMillis(300));
        try {
            for (String signal : List.of("INT", "TERM")) {
                long scripts = endpoint.scripts().size();
                try (JBang.Running run = remote("shell", "--instance", SsmEndpoint.DEFAULT_INSTANCE, "seq 1 400000")
                        .start(dir.resolve("spill-" + signal))) {
                    // the command has ended and spilled: the client is reading it back page by page
                    eventually("page reads started", () -> endpoint.scripts().size() > scripts + 1 || !run.isAlive());
                    run.signal(signal);
                    // interrupted, not finished: otherwise this would check nothing
                    assertThat(run.waitFor(Duration.ofSeconds(60))).as(run.stderr()).isEqualTo(signal.equals("INT") ? 130 : 143);
                    eventually("no spilled output left on the host after " + signal, () -> spills().isEmpty());
                }
            }
        } finally {
            endpoint.latency("GetCommandInvocation", Duration.ZERO);
        }
    }

    @Test
    void whatAKilledProcessLeftIsRemovedByCleanupAndByTheNextCreateUser() throws IOException {
        String offline = "i-0fffffffffff0ff01";
        endpoint.instance(offline, Map.of("Name", "asleep")).offline(offline);
        long sent = endpoint.count("SendCommand");
        try (JBang.Running run = remote("create-user", "--instance", offline, "--password-stdin", "--timeout", "1",
                "--set", "ssm.delivery-timeout=30", "killed@example.com").stdin("killed-process-secret\n").start(dir.resolve("kill"))) {
            awaitMoment(Moment.SENT, sent, run);
            sleep(500);
            run.close(); // SIGKILL: no hook runs
        }
        assertThat(secretParameters()).hasSize(1);
        // output a killed client left kept on the host: an old one, and one a client may still be reading
        Path tmp = endpoint.host().dir().resolve("tmp");
        Path old = Files.createDirectories(tmp.resolve("monet-ssm.killedlongago"));
        Files.writeString(old.resolve("out.gz"), "kept");
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofHours(2))));
        Path young = Files.createDirectories(tmp.resolve("monet-ssm.maybebeingread"));
        CmdResult kept = remote("cleanup", "--instance", SsmEndpoint.DEFAULT_INSTANCE).call();
        assertThat(kept.exitCode()).as(kept.stderr()).isZero();
        assertThat(kept.stderr()).contains("kept").contains("Delayed");
        assertThat(secretParameters()).as("its command may still be delivered: kept").hasSize(1);
        assertThat(old).as("kept output older than an hour").doesNotExist();
        assertThat(kept.stdout()).contains("removed " + old);
        assertThat(young).as("kept output a client may still be reading").exists();

        // once its command has ended (delivery timed out), the next create-user removes it
        eventually("the orphan command's delivery timed out", Duration.ofSeconds(90),
                () -> secretParametersReferencedByLiveCommands() == 0);
        CmdResult next = remote("create-user", "--instance", SsmEndpoint.DEFAULT_INSTANCE, "--password-stdin", "next@example.com")
                .stdin("the-next-password\n").call();
        assertThat(next.exitCode()).as(next.stderr()).isZero();
        assertThat(secretParameters()).isEmpty();

        // --force removes every one, even one a create-user in flight may still need
        parameters.putParameter(b -> b.name("/monet/tmp/in-flight").type(ParameterType.SECURE_STRING).value("in-flight-secret"));
        CmdResult kept2 = remote("cleanup", "--instance", SsmEndpoint.DEFAULT_INSTANCE).call();
        assertThat(kept2.stderr()).contains("/monet/tmp/in-flight");
        assertThat(secretParameters()).hasSize(1);
        CmdResult forced = remote("cleanup", "--force", "--instance", SsmEndpoint.DEFAULT_INSTANCE).call();
        assertThat(forced.exitCode()).as(forced.stderr()).isZero();
        assertThat(secretParameters()).isEmpty();
        assertThat(young).as("--force: every kept output").doesNotExist();
    }

    /** How many commands that have not ended name a /monet/tmp/ parameter (as ListCommands shows them). */
    static long secretParametersReferencedByLiveCommands() {
        return endpoint.client().listCommands(b -> {}).commands().stream()
                .filter(c -> List.of("Pending", "InProgress", "Delayed", "Cancelling").contains(c.statusAsString()))
                .filter(c -> c.parameters().toString().contains("/monet/tmp/")).count();
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

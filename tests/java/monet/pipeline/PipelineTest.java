package monet.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import monet.console.Console;
import monet.console.Secrets;
import monet.process.Cmd;
import monet.testing.Captured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
    @TempDir
    Path dir;

    private final Captured captured = Captured.plain();

    @AfterEach
    void forgetSecrets() {
        Secrets.clearForTests();
    }

    private Pipeline pipeline(String name) {
        return Pipeline.named(name).console(captured.console());
    }

    @Test
    void stepsRunInOrderAndTheSummaryHasEachWithItsTime() {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        Summary summary = pipeline("ordered")
                .step("one", ctx -> order.add("one"))
                .step("two", ctx -> {
                    order.add("two");
                    ctx.note("did two");
                })
                .run();
        assertThat(order).containsExactly("one", "two");
        assertThat(summary.ok()).isTrue();
        assertThat(summary.steps()).extracting(Summary.StepRecord::name).containsExactly("one", "two");
        assertThat(summary.step("two").note()).isEqualTo("did two");
        assertThat(captured.err()).contains("one").contains("two").contains("total");
    }

    @Test
    void aFailingCommandNamesTheStepTheCommandTheExitCodeAndTheTail() {
        assertThatThrownBy(() -> pipeline("p")
                .step(Step.named("build web").command(Cmd.shell("echo compiling; echo 'boom: missing module' >&2; exit 4")))
                .run())
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("step 'build web' failed")
                .hasMessageContaining("sh -c")
                .hasMessageContaining("exited with 4")
                .hasMessageContaining("boom: missing module")
                .satisfies(e -> assertThat(((PipelineException) e).failedStep()).isEqualTo("build web"));
    }

    @Test
    void laterStepsDoNotRunAfterAFailure() {
        List<String> ran = new ArrayList<>();
        assertThatThrownBy(() -> pipeline("p")
                .step("a", ctx -> ran.add("a"))
                .step("b", ctx -> {
                    throw new IllegalStateException("b broke");
                })
                .step("c", ctx -> ran.add("c"))
                .run())
                .isInstanceOf(PipelineException.class)
                .satisfies(e -> assertThat(((PipelineException) e).summary().step("c").status())
                        .isEqualTo(Summary.Status.NOT_RUN));
        assertThat(ran).containsExactly("a");
    }

    @Test
    void rollbacksRunInReverseOrderForCompletedStepsOnly() {
        List<String> events = new ArrayList<>();
        assertThatThrownBy(() -> pipeline("deploy")
                .step(Step.named("lock").action(ctx -> events.add("lock")).rollback("unlock", ctx -> events.add("unlock")))
                .step(Step.named("env").action(ctx -> events.add("env")).rollback(ctx -> events.add("restore env")))
                .step(Step.named("up").action(ctx -> {
                    events.add("up");
                    throw new IllegalStateException("compose failed");
                }).rollback(ctx -> events.add("never: up did not complete")))
                .run())
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("step 'up' failed: compose failed")
                .hasMessageContaining("rolled back: env, lock");
        assertThat(events).containsExactly("lock", "env", "up", "restore env", "unlock");
    }

    @Test
    void aFailingRollbackIsReportedAndTheOthersStillRun() {
        List<String> events = new ArrayList<>();
        assertThatThrownBy(() -> pipeline("p")
                .step(Step.named("a").action(ctx -> {}).rollback(ctx -> events.add("undo a")))
                .step(Step.named("b").action(ctx -> {}).rollback(ctx -> {
                    throw new IllegalStateException("cannot undo b");
                }))
                .step("c", ctx -> {
                    throw new IllegalStateException("c failed");
                })
                .run())
                .satisfies(e -> assertThat(((PipelineException) e).summary().step("rollback: b").status())
                        .isEqualTo(Summary.Status.ROLLBACK_FAILED));
        assertThat(events).containsExactly("undo a");
        assertThat(captured.err()).contains("cannot undo b");
    }

    @Test
    void retryableStepsAreRetriedWithBackoff() {
        AtomicInteger calls = new AtomicInteger();
        Summary summary = pipeline("p")
                .step(Step.named("flaky").action(ctx -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("transient " + calls.get());
                    }
                }).retry(Retry.times(3).backoff(Backoff.fixed(Duration.ofMillis(10)))))
                .run();
        assertThat(calls).hasValue(3);
        assertThat(summary.step("flaky").attempts()).isEqualTo(3);
        assertThat(captured.err()).contains("attempt 1 failed (transient 1); retrying");
    }

    @Test
    void retriesStopAtTheLimit() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> pipeline("p")
                .step(Step.named("down").action(ctx -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("still down");
                }).retry(Retry.times(2).backoff(Backoff.fixed(Duration.ofMillis(1)))))
                .run()).hasMessageContaining("still down");
        assertThat(calls).hasValue(2);
    }

    @Test
    void parallelStepsRunAtTheSameTime() {
        CountDownLatch bothStarted = new CountDownLatch(2);
        Step.Action meet = ctx -> {
            bothStarted.countDown();
            if (!bothStarted.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other step never started: not parallel");
            }
        };
        Summary summary = pipeline("p").parallel("images", Step.named("backend").action(meet),
                Step.named("ssr").action(meet)).run();
        assertThat(summary.step("images").status()).isEqualTo(Summary.Status.OK);
        assertThat(summary.step("backend").status()).isEqualTo(Summary.Status.OK);
        assertThat(summary.step("ssr").status()).isEqualTo(Summary.Status.OK);
    }

    @Test
    void aFailedParallelStepFailsTheGroupAndRollsBackItsFinishedSiblings() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch backendDone = new CountDownLatch(1);
        assertThatThrownBy(() -> pipeline("p")
                .step(Step.named("before").action(ctx -> {}).rollback(ctx -> events.add("undo before")))
                .parallel("images",
                        Step.named("backend").action(ctx -> {
                            events.add("backend");
                            backendDone.countDown();
                        }).rollback(ctx -> events.add("undo backend")),
                        Step.named("ssr").action(ctx -> {
                            if (!backendDone.await(10, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("backend never finished: not parallel");
                            }
                            throw new IllegalStateException("ssr build failed");
                        }))
                .run())
                .hasMessageContaining("step 'images' failed: ssr build failed");
        assertThat(events).containsExactly("backend", "undo backend", "undo before");
    }

    @Test
    void dryRunPrintsEveryStepAndRunsNothing() throws Exception {
        Path marker = dir.resolve("marker");
        Summary summary = pipeline("release")
                .step(Step.named("touch").command(Cmd.of("touch", marker.toString())))
                .step(Step.named("custom").action(ctx -> Files.writeString(marker, "x")).describe("write the marker")
                        .rollback("remove the marker", ctx -> {}))
                .parallel("both", Step.named("left").command(Cmd.of("echo", "left side")), Step.named("right").describe("right"))
                .dryRun(true)
                .run();
        assertThat(marker).doesNotExist();
        assertThat(captured.out())
                .contains("1. touch: touch " + marker)
                .contains("2. custom: write the marker")
                .contains("on a later failure: remove the marker")
                .contains("3. both: in parallel: left, right")
                .contains("- left: echo 'left side'");
        assertThat(summary.steps()).allMatch(s -> s.status() == Summary.Status.DRY_RUN);
    }

    @Test
    void skippedStepsAreSkippedNotFailed() {
        Summary summary = pipeline("p").step("e2e", ctx -> ctx.skip("no ANTHROPIC_API_KEY")).step("next", ctx -> {}).run();
        assertThat(summary.step("e2e").status()).isEqualTo(Summary.Status.SKIPPED);
        assertThat(summary.step("e2e").note()).isEqualTo("no ANTHROPIC_API_KEY");
        assertThat(summary.step("next").status()).isEqualTo(Summary.Status.OK);
    }

    @Test
    void valuesPassBetweenSteps() {
        Summary summary = pipeline("p")
                .step("lookup", ctx -> ctx.put("instance", "i-123"))
                .step("use", ctx -> ctx.output("target", ctx.require("instance", String.class)))
                .run();
        assertThat(summary.outputs()).containsEntry("target", "i-123");
    }

    @Test
    void secretsAreMaskedInStepOutputErrorsAndSummary() {
        Secrets.register("ghp_supersecret123");
        assertThatThrownBy(() -> pipeline("p")
                .step("leak", ctx -> {
                    ctx.console().info("token is ghp_supersecret123");
                    ctx.run(Cmd.shell("echo ghp_supersecret123 >&2; exit 1"));
                })
                .run())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ghp_supersecret123").contains("***"));
        assertThat(captured.all()).doesNotContain("ghp_supersecret123").contains("token is ***");
    }

    @Test
    void stepTimeoutAppliesToItsCommands() {
        assertThatThrownBy(() -> pipeline("p")
                .step(Step.named("slow").action(ctx -> ctx.run(Cmd.of("sleep", "30"))).timeout(Duration.ofMillis(300)))
                .run())
                .hasMessageContaining("timed out after 300ms");
    }

    @Test
    void onlyAndFromSelectStepsAndRejectUnknownNames() {
        List<String> ran = new ArrayList<>();
        pipeline("p").step("a", ctx -> ran.add("a")).step("b", ctx -> ran.add("b")).step("c", ctx -> ran.add("c"))
                .from("b").run();
        pipeline("p").step("a", ctx -> ran.add("a")).step("b", ctx -> ran.add("b")).step("c", ctx -> ran.add("c"))
                .only(List.of("a", "c")).run();
        assertThat(ran).containsExactly("b", "c", "a", "c");
        assertThatThrownBy(() -> pipeline("p").step("a", ctx -> {}).only(List.of("x")))
                .hasMessageContaining("has no step 'x'").hasMessageContaining("its steps are: a");
    }

    @Test
    void waitPollsWithBackoffUntilTheProbeYields() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        String value = Wait.until("ready", attempt -> polls.incrementAndGet() >= 4 ? Optional.of("up") : Optional.empty())
                .backoff(Backoff.fixed(Duration.ofMillis(5))).deadline(Duration.ofSeconds(10)).await();
        assertThat(value).isEqualTo("up");
        assertThat(polls).hasValue(4);
    }

    @Test
    void waitFailsAtTheDeadlineWithTheLastStateSeen() {
        assertThatThrownBy(() -> Wait.until("api reports 1.2.3", attempt -> {
                    attempt.note("answered 1.2.2");
                    return Optional.empty();
                }).backoff(Backoff.fixed(Duration.ofMillis(20))).deadline(Duration.ofMillis(200)).await())
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("waiting for api reports 1.2.3")
                .hasMessageContaining("last: answered 1.2.2");
    }

    @Test
    void waitTreatsIgnoredExceptionsAsNotYetAndOthersAsFailure() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        assertThat(Wait.until("connect", attempt -> {
            if (polls.incrementAndGet() < 3) {
                throw new java.net.ConnectException("refused");
            }
            return Optional.of(true);
        }).ignoring(e -> e instanceof java.net.ConnectException).backoff(Backoff.fixed(Duration.ofMillis(1))).await()).isTrue();
        assertThatThrownBy(() -> Wait.until("x", attempt -> {
            throw new IllegalStateException("fatal");
        }).await()).hasMessage("fatal");
    }

    @Test
    void backoffGrowsToItsCapAndJitterStaysWithinHalf() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(List.of(1, 2, 3, 4, 5, 6)).extracting(n -> backoff.delay(n).toMillis())
                .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
        Backoff jittered = backoff.withJitter();
        for (int i = 0; i < 100; i++) {
            assertThat(jittered.delay(3).toMillis()).isBetween(200L, 400L);
        }
    }

    @Test
    void githubActionsGetsGroupsErrorsMasksOutputsAndASummaryTable() throws Exception {
        Path output = dir.resolve("output");
        Path summaryFile = dir.resolve("summary.md");
        Captured gh = Captured.console(Console.Mode.GITHUB_ACTIONS,
                Map.of("GITHUB_OUTPUT", output.toString(), "GITHUB_STEP_SUMMARY", summaryFile.toString()));
        Secrets.register("tok-ABCDEFGH");
        assertThatThrownBy(() -> Pipeline.named("release v1.2.3").console(gh.console())
                .step("build", ctx -> {
                    ctx.output("image", "123.dkr.ecr/drawing-agent:1.2.3");
                    ctx.output("notes", "line one\nline two");
                })
                .step("push", ctx -> {
                    throw new IllegalStateException("denied for tok-ABCDEFGH\nsecond line");
                })
                .run()).isInstanceOf(PipelineException.class);
        String log = gh.all();
        assertThat(log).contains("::add-mask::tok-ABCDEFGH")
                .contains("::group::build").contains("::endgroup::")
                .contains("::error title=push::denied for ***%0Asecond line")
                .doesNotContain("denied for tok-ABCDEFGH");
        String outputs = Files.readString(output);
        assertThat(outputs).contains("image=123.dkr.ecr/drawing-agent:1.2.3\n").containsPattern("notes<<(EOF_\\w+)\nline one\nline two\n\\1\n");
        String markdown = Files.readString(summaryFile);
        assertThat(markdown).contains("### release v1.2.3 ❌").contains("| Step | Status | Time | Note |")
                .contains("| build | ok |").contains("| push | failed |").contains("denied for ***")
                .doesNotContain("tok-ABCDEFGH");
    }

    @Test
    void plainAndNoColorOutputHasNoEscapeCodes() {
        pipeline("p").step("a", ctx -> ctx.console().warn("careful")).run();
        assertThat(captured.all()).doesNotContain("\u001b[");
        assertThat(Console.detectMode(Map.of("NO_COLOR", "1"), true)).isEqualTo(Console.Mode.PLAIN);
        assertThat(Console.detectMode(Map.of(), false)).isEqualTo(Console.Mode.PLAIN);
        assertThat(Console.detectMode(Map.of(), true)).isEqualTo(Console.Mode.TERMINAL);
        assertThat(Console.detectMode(Map.of("GITHUB_ACTIONS", "true"), false)).isEqualTo(Console.Mode.GITHUB_ACTIONS);
    }

    @Test
    void terminalModeShowsALiveStatusLineWithElapsedTime() {
        Captured terminal = Captured.console(Console.Mode.TERMINAL, Map.of());
        Pipeline.named("p").console(terminal.console()).step("slow step", ctx -> Thread.sleep(350)).run();
        assertThat(terminal.err()).contains("\r\u001b[2K").contains("slow step").containsPattern("\\(\\d+ms\\)|\\(0\\.\\ds\\)");
    }
}

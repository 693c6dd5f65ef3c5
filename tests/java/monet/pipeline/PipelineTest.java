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
import monet.MonetException;
import monet.console.Console;
import monet.console.Secrets;
import monet.process.Cmd;
import monet.testing.Captured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {
    @TempDir
    Path dir;

    private Captured captured = Captured.plain();
    private Console previous;

    @BeforeEach
    void capture() {
        previous = Console.get();
        Console.set(captured.console());
    }

    @AfterEach
    void restore() {
        Console.set(previous);
        Secrets.clearForTests();
    }

    private void captureAs(Captured console) {
        captured = console;
        Console.set(console.console());
    }

    private static Step step(String name, Step.Action action) {
        return Step.named(name).action(action);
    }

    /** Three steps that record what ran and what was rolled back; {@code failing} throws. */
    private static Pipeline recorded(List<String> events, String failing) {
        Pipeline pipeline = Pipeline.named("p");
        for (String name : List.of("lock", "deploy", "verify", "cleanup")) {
            Step step = step(name, ctx -> {
                events.add(name);
                if (name.equals(failing)) {
                    throw new IllegalStateException(name + " failed");
                }
            }).rollback("undo " + name, ctx -> events.add("undo " + name));
            pipeline.step(name.equals("verify") ? step.commits() : step);
        }
        return pipeline;
    }

    @Test
    void stepsRunInOrderAndTheSummaryHasEachWithItsTime() {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        Summary summary = Pipeline.named("ordered")
                .step(step("one", ctx -> order.add("one")))
                .step(step("two", ctx -> {
                    order.add("two");
                    ctx.note("did two");
                }))
                .run();
        assertThat(order).containsExactly("one", "two");
        assertThat(summary.ok()).isTrue();
        assertThat(summary.steps()).extracting(Summary.StepRecord::name).containsExactly("one", "two");
        assertThat(summary.step("two").note()).isEqualTo("did two");
        assertThat(captured.err()).containsPattern("(?m)^one +ok +\\d+ms$").contains("did two").containsPattern("(?m)^total +ok ");
    }

    @Test
    void aFailingCommandNamesTheStepTheCommandTheExitCodeAndTheTail() {
        assertThatThrownBy(() -> Pipeline.named("p")
                .step(step("build web", ctx -> Cmd.shell("echo compiling; echo 'boom: missing module' >&2; exit 4").run()))
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
        List<String> events = new ArrayList<>();
        assertThatThrownBy(() -> recorded(events, "deploy").run())
                .isInstanceOf(PipelineException.class)
                .satisfies(e -> assertThat(((PipelineException) e).summary().step("cleanup").status())
                        .isEqualTo(Summary.Status.NOT_RUN));
        assertThat(events).doesNotContain("verify", "cleanup");
    }

    @Test
    void rollbacksRunInReverseOrderForCompletedStepsOnlyAndSayWhatTheyDid() {
        List<String> events = new ArrayList<>();
        assertThatThrownBy(() -> Pipeline.named("deploy")
                .step(step("lock", ctx -> events.add("lock")).rollback("unlock", ctx -> events.add("unlock")))
                .step(step("env", ctx -> events.add("env")).rollback("the old .env", ctx -> {
                    events.add("restore env");
                    ctx.note("IMAGE_TAG=1.0.0 again");
                }))
                .step(step("up", ctx -> {
                    events.add("up");
                    throw new IllegalStateException("compose failed");
                }).rollback("never: up did not complete", ctx -> events.add("undo up")))
                .run())
                .isInstanceOf(PipelineException.class)
                .hasMessage("step 'up' failed: compose failed\nrolled back: env (IMAGE_TAG=1.0.0 again)\nrolled back: lock");
        assertThat(events).containsExactly("lock", "env", "up", "restore env", "unlock");
    }

    @Test
    void aFailingRollbackIsReportedAndTheOthersStillRun() {
        List<String> events = new ArrayList<>();
        assertThatThrownBy(() -> Pipeline.named("p")
                .step(step("a", ctx -> {}).rollback("undo a", ctx -> events.add("undo a")))
                .step(step("b", ctx -> {}).rollback("undo b", ctx -> {
                    throw new IllegalStateException("cannot undo b");
                }))
                .step(step("c", ctx -> {
                    throw new IllegalStateException("c failed");
                }))
                .run())
                .hasMessageContaining("ROLLBACK FAILED: b: cannot undo b").hasMessageContaining("rolled back: a")
                .satisfies(e -> assertThat(((PipelineException) e).summary().step("rollback: b").status())
                        .isEqualTo(Summary.Status.ROLLBACK_FAILED));
        assertThat(events).containsExactly("undo a");
        assertThat(captured.err()).contains("cannot undo b");
    }

    @Test
    void aPointOfNoReturnSettlesWhatCameBeforeIt() {
        List<String> failedAtVerify = new ArrayList<>();
        assertThatThrownBy(() -> recorded(failedAtVerify, "verify").run()).hasMessageContaining("rolled back: deploy");
        assertThat(failedAtVerify).containsExactly("lock", "deploy", "verify", "undo deploy", "undo lock");

        List<String> failedAfter = new ArrayList<>();
        assertThatThrownBy(() -> recorded(failedAfter, "cleanup").run()).hasMessageContaining("rolled back: verify")
                .hasMessageNotContaining("deploy");
        assertThat(failedAfter).containsExactly("lock", "deploy", "verify", "cleanup", "undo verify");
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
        Summary summary = Pipeline.named("p").parallel("images", step("backend", meet), step("ssr", meet)).run();
        assertThat(summary.step("images").status()).isEqualTo(Summary.Status.OK);
        assertThat(summary.step("backend").status()).isEqualTo(Summary.Status.OK);
        assertThat(summary.step("ssr").status()).isEqualTo(Summary.Status.OK);
    }

    @Test
    void aFailedParallelStepFailsTheGroupAndRollsBackItsFinishedSiblings() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch backendDone = new CountDownLatch(1);
        assertThatThrownBy(() -> Pipeline.named("p")
                .step(step("before", ctx -> {}).rollback("undo before", ctx -> events.add("undo before")))
                .parallel("images",
                        step("backend", ctx -> {
                            events.add("backend");
                            backendDone.countDown();
                        }).rollback("undo backend", ctx -> events.add("undo backend")),
                        step("ssr", ctx -> {
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
        Summary summary = Pipeline.named("release")
                .step(step("touch", ctx -> Cmd.of("touch", marker.toString()).run()).describe(() -> "touch " + marker))
                .step(step("custom", ctx -> Files.writeString(marker, "x")).describe(() -> "write the marker")
                        .rollback("remove the marker", ctx -> {}))
                .parallel("both", step("left", ctx -> {}).describe(() -> "left side"), step("right", ctx -> {}))
                .dryRun(true)
                .run();
        assertThat(marker).doesNotExist();
        assertThat(captured.out())
                .contains("1. touch: touch " + marker)
                .contains("2. custom: write the marker")
                .contains("on a later failure: remove the marker")
                .contains("3. both: in parallel: left, right")
                .contains("- left: left side")
                .contains("- right: (no description)");
        assertThat(summary.steps()).allMatch(s -> s.status() == Summary.Status.DRY_RUN);
    }

    @Test
    void onlyAndFromSelectStepsInsideGroupsToo() {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        Pipeline.named("p").parallel("build", step("a", ctx -> ran.add("a")), step("b", ctx -> ran.add("b")))
                .step(step("c", ctx -> ran.add("c"))).step(step("d", ctx -> ran.add("d")))
                .from("b").run();
        assertThat(ran).containsExactlyInAnyOrder("b", "c", "d");
        ran.clear();
        Pipeline.named("p").parallel("build", step("a", ctx -> ran.add("a")), step("b", ctx -> ran.add("b")))
                .step(step("c", ctx -> ran.add("c"))).step(step("d", ctx -> ran.add("d")))
                .only(List.of("d", "build")).run();
        assertThat(ran).containsExactlyInAnyOrder("a", "b", "d");
        assertThatThrownBy(() -> Pipeline.named("p").step(step("a", ctx -> {})).only(List.of("x")))
                .isInstanceOf(MonetException.class).hasMessageContaining("'p' has no step 'x'; its steps are: a")
                .satisfies(e -> assertThat(((MonetException) e).exitCode()).isEqualTo(MonetException.USAGE));
    }

    @Test
    void stepsLeftOutBeforeASelectedOneCountAsDoneEarlier() {
        List<String> verifyAlone = new ArrayList<>();
        assertThatThrownBy(() -> recorded(verifyAlone, "verify").only(List.of("verify")).run())
                .hasMessageContaining("rolled back: deploy").hasMessageContaining("rolled back: lock");
        assertThat(verifyAlone).containsExactly("verify", "undo deploy", "undo lock");

        List<String> cleanupAlone = new ArrayList<>();
        assertThatThrownBy(() -> recorded(cleanupAlone, "cleanup").only(List.of("cleanup")).run())
                .hasMessageContaining("rolled back: verify").hasMessageNotContaining("deploy");
        assertThat(cleanupAlone).containsExactly("cleanup", "undo verify");

        recorded(new ArrayList<>(), null).only(List.of("verify")).dryRun(true).run();
        assertThat(captured.out()).contains("done earlier: lock; if a step below fails: undo lock",
                "done earlier: deploy; if a step below fails: undo deploy", "1. verify");
    }

    @Test
    void skippedStepsAreSkippedNotFailed() {
        Summary summary = Pipeline.named("p").step(step("e2e", ctx -> ctx.skip("no ANTHROPIC_API_KEY")))
                .step(step("next", ctx -> {})).run();
        assertThat(summary.step("e2e").status()).isEqualTo(Summary.Status.SKIPPED);
        assertThat(summary.step("e2e").note()).isEqualTo("no ANTHROPIC_API_KEY");
        assertThat(summary.step("next").status()).isEqualTo(Summary.Status.OK);
    }

    @Test
    void outputsAreThePipelinesResult() {
        Summary summary = Pipeline.named("p").step(step("images", ctx -> ctx.output("image", "r/app:1.0.0"))).run();
        assertThat(summary.outputs()).containsEntry("image", "r/app:1.0.0");
    }

    @Test
    void secretsAreMaskedInStepOutputErrorsAndSummary() {
        Secrets.register("ghp_supersecret123");
        assertThatThrownBy(() -> Pipeline.named("p")
                .step(step("leak", ctx -> {
                    ctx.console().info("token is ghp_supersecret123");
                    Cmd.shell("echo ghp_supersecret123 >&2; exit 1").run();
                }))
                .run())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ghp_supersecret123").contains("***"));
        assertThat(captured.all()).doesNotContain("ghp_supersecret123").contains("token is ***");
    }

    @Test
    void waitPollsWithBackoffUntilTheProbeYields() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        String value = Wait.until("ready", attempt -> polls.incrementAndGet() >= 4 ? Optional.of("up") : Optional.empty())
                .backoff(Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(5))).deadline(Duration.ofSeconds(10)).await();
        assertThat(value).isEqualTo("up");
        assertThat(polls).hasValue(4);
    }

    @Test
    void waitFailsAtTheDeadlineWithTheLastStateSeen() {
        assertThatThrownBy(() -> Wait.until("api reports 1.2.3", attempt -> {
                    attempt.note("answered 1.2.2");
                    return Optional.empty();
                }).backoff(Backoff.exponential(Duration.ofMillis(20), Duration.ofMillis(20))).deadline(Duration.ofMillis(200)).await())
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("waiting for api reports 1.2.3")
                .hasMessageContaining("last: answered 1.2.2");
        assertThatThrownBy(() -> Wait.until("x", attempt -> {
            throw new IllegalStateException("fatal");
        }).await()).hasMessage("fatal");
    }

    @Test
    void backoffDoublesToItsCap() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(List.of(1, 2, 3, 4, 5, 6)).extracting(n -> backoff.delay(n).toMillis())
                .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
        assertThat(backoff).hasToString("backoff 100ms→1000ms");
        assertThat(Backoff.exponential(Duration.ofMillis(50), Duration.ofMillis(50)).delay(7)).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void githubActionsGetsGroupsErrorsMasksOutputsAndASummaryTable() throws Exception {
        Path output = dir.resolve("output");
        Path summaryFile = dir.resolve("summary.md");
        captureAs(Captured.console(Console.Mode.GITHUB_ACTIONS,
                Map.of("GITHUB_OUTPUT", output.toString(), "GITHUB_STEP_SUMMARY", summaryFile.toString())));
        Secrets.register("tok-ABCDEFGH");
        assertThatThrownBy(() -> Pipeline.named("release v1.2.3")
                .step(step("build", ctx -> {
                    ctx.output("image", "123.dkr.ecr/drawing-agent:1.2.3");
                    ctx.output("notes", "line one\nline two");
                }))
                .step(step("push", ctx -> {
                    throw new IllegalStateException("denied for tok-ABCDEFGH\nsecond line");
                }))
                .run()).isInstanceOf(PipelineException.class);
        String log = captured.all();
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
        Pipeline.named("p").step(step("a", ctx -> ctx.console().warn("careful"))).run();
        assertThat(captured.all()).doesNotContain("\u001b[");
        assertThat(Console.detectMode(Map.of("NO_COLOR", "1"), true)).isEqualTo(Console.Mode.PLAIN);
        assertThat(Console.detectMode(Map.of(), false)).isEqualTo(Console.Mode.PLAIN);
        assertThat(Console.detectMode(Map.of(), true)).isEqualTo(Console.Mode.TERMINAL);
        assertThat(Console.detectMode(Map.of("GITHUB_ACTIONS", "true"), false)).isEqualTo(Console.Mode.GITHUB_ACTIONS);
    }

    @Test
    void terminalModeShowsALiveStatusLineWithElapsedTime() {
        captureAs(Captured.console(Console.Mode.TERMINAL, Map.of()));
        Pipeline.named("p").step(step("slow step", ctx -> Thread.sleep(350))).run();
        assertThat(captured.err()).contains("\r\u001b[2K").contains("slow step").containsPattern("\\(\\d+ms\\)|\\(0\\.\\ds\\)");
    }
}

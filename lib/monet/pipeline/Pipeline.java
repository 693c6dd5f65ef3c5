package monet.pipeline;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import monet.console.Console;
import monet.console.Secrets;

/**
 * A fluent pipeline of named steps, run in order, with parallel groups, waits, retries,
 * compensating rollbacks, dry runs, timing and a summary.
 *
 * <pre>{@code
 * Summary summary = Pipeline.named("deploy")
 *     .step(Step.named("lock").action(ctx -> lock.take()).rollback(ctx -> lock.release()))
 *     .step(Step.named("pull").command(Cmd.of("docker", "compose", "pull")).retry(Retry.times(3)))
 *     .parallel("images", buildBackend, buildSsr)
 *     .waitFor("healthy", Wait.untilTrue("/api/version answers", a -> healthy()))
 *     .dryRun(dryRun)
 *     .run();
 * }</pre>
 *
 * <p>When a step fails, the rollbacks of the steps that completed run in reverse order, the
 * summary is printed, and a {@link PipelineException} names the step and the cause. In a dry
 * run nothing is executed: every step prints what it would do. Every chaining method returns
 * {@code this}; defaults: not a dry run, the process-wide {@link Console}.
 */
public final class Pipeline {
    private final String name;
    private final List<Step> steps = new ArrayList<>();
    private boolean dryRun;
    private Console console;
    private final Map<String, Object> values = new ConcurrentHashMap<>();

    private Pipeline(String name) {
        this.name = name;
    }

    /** A new, empty pipeline. */
    public static Pipeline named(String name) {
        return new Pipeline(name);
    }

    /** Adds a step. */
    public Pipeline step(Step step) {
        if (steps.stream().anyMatch(s -> s.name().equals(step.name()))) {
            throw new IllegalArgumentException("pipeline '" + name + "' already has a step named '" + step.name() + "'");
        }
        steps.add(step);
        return this;
    }

    /** Adds a step made of a name and an action. */
    public Pipeline step(String stepName, Step.Action action) {
        return step(Step.named(stepName).action(action));
    }

    /** Adds a group of steps that run at the same time. */
    public Pipeline parallel(String groupName, Step... group) {
        return step(Step.parallel(groupName, group));
    }

    /** Adds a wait as a step. */
    public Pipeline waitFor(String stepName, Wait<?> wait) {
        return step(Step.waitFor(stepName, wait));
    }

    /** The most recently added step, to configure it further: {@code .last().rollback(...)}. */
    public Step last() {
        if (steps.isEmpty()) {
            throw new IllegalStateException("pipeline '" + name + "' has no steps yet");
        }
        return steps.get(steps.size() - 1);
    }

    /** Print what each step would do instead of doing it. */
    public Pipeline dryRun(boolean enabled) {
        this.dryRun = enabled;
        return this;
    }

    /** Where to report. Default: {@link Console#get()}. */
    public Pipeline console(Console target) {
        this.console = target;
        return this;
    }

    /** Seeds a value that steps can read with {@link StepContext#get}. */
    public Pipeline with(String key, Object value) {
        values.put(key, value);
        return this;
    }

    /** Keeps only the named steps (in pipeline order). Unknown names are an error that lists the valid ones. */
    public Pipeline only(List<String> names) {
        checkNames(names);
        steps.removeIf(s -> !names.contains(s.name()));
        return this;
    }

    /** Drops the steps before the named one. */
    public Pipeline from(String stepName) {
        checkNames(List.of(stepName));
        int index = stepNames().indexOf(stepName);
        steps.subList(0, index).clear();
        return this;
    }

    /** The names of the steps, in order. */
    public List<String> stepNames() {
        return steps.stream().map(Step::name).collect(Collectors.toList());
    }

    private void checkNames(List<String> names) {
        List<String> known = stepNames();
        for (String n : names) {
            if (!known.contains(n)) {
                throw new IllegalArgumentException("pipeline '" + name + "' has no step '" + n + "'; its steps are: "
                        + String.join(", ", known));
            }
        }
    }

    /**
     * Runs the steps.
     *
     * @return the summary, when every step succeeded (or was skipped)
     * @throws PipelineException when a step failed, after the rollbacks ran
     */
    public Summary run() {
        Console out = console == null ? Console.get() : console;
        long start = System.nanoTime();
        List<Summary.StepRecord> records = Collections.synchronizedList(new ArrayList<>());
        Map<String, String> outputs = new LinkedHashMap<>();
        if (dryRun) {
            return dryRun(out, start, records, outputs);
        }
        Deque<Step> completed = new ArrayDeque<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            Throwable failure = step.isGroup()
                    ? runGroup(step, out, records, outputs, completed)
                    : runOne(step, out, records, outputs, completed, true);
            if (failure != null) {
                for (Step rest : steps.subList(i + 1, steps.size())) {
                    records.add(new Summary.StepRecord(rest.name(), Summary.Status.NOT_RUN, Duration.ZERO, 0, ""));
                }
                List<String> rolledBack = rollback(completed, out, records);
                Summary summary = finish(out, start, records, outputs);
                String message = "step '" + step.name() + "' failed: " + message(failure)
                        + (rolledBack.isEmpty() ? "" : "\nrolled back: " + String.join(", ", rolledBack));
                throw new PipelineException(step.name(), message, failure, summary);
            }
        }
        return finish(out, start, records, outputs);
    }

    private Summary dryRun(Console out, long start, List<Summary.StepRecord> records, Map<String, String> outputs) {
        out.info("dry run of '" + name + "': nothing will be changed");
        int n = 1;
        for (Step step : steps) {
            out.out(n++ + ". " + step.name() + ": " + step.description());
            for (Step child : step.children()) {
                out.out("   - " + child.name() + ": " + child.description());
                if (child.rollbackDescription() != null) {
                    out.out("     on a later failure: " + child.rollbackDescription());
                }
            }
            if (step.rollbackDescription() != null) {
                out.out("   on a later failure: " + step.rollbackDescription());
            }
            records.add(new Summary.StepRecord(step.name(), Summary.Status.DRY_RUN, Duration.ZERO, 0, ""));
        }
        return new Summary(name, List.copyOf(records), outputs, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Runs one step with its retries; returns its failure, or null. */
    private Throwable runOne(Step step, Console out, List<Summary.StepRecord> records, Map<String, String> outputs,
                             Deque<Step> completed, boolean showHeader) {
        StepContext context = new StepContext(step.name(), step.timeout(), out, values, outputs);
        long begin = System.nanoTime();
        int[] attempts = {0};
        Console.Group group = showHeader ? out.group(step.name()) : () -> {};
        try (Console.Status status = showHeader ? out.status(step.name()) : null) {
            step.retryPolicy()
                    .onRetry((attempt, error) -> out.warn("step '" + step.name() + "' attempt " + attempt + " failed ("
                            + message(error) + "); retrying"))
                    .on(e -> !(e instanceof StepContext.StepSkipped))
                    .call(() -> {
                        attempts[0]++;
                        if (step.action() != null) {
                            step.action().run(context);
                        }
                        return null;
                    });
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            records.add(new Summary.StepRecord(step.name(), Summary.Status.OK, took, attempts[0], context.note()));
            synchronized (completed) {
                completed.push(step);
            }
            closeQuietly(status);
            out.success(step.name() + " (" + Console.formatDuration(took) + ")");
            return null;
        } catch (StepContext.StepSkipped skipped) {
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            records.add(new Summary.StepRecord(step.name(), Summary.Status.SKIPPED, took, attempts[0], skipped.getMessage()));
            out.warn("step '" + step.name() + "' skipped: " + skipped.getMessage());
            return null;
        } catch (Exception | Error e) {
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            records.add(new Summary.StepRecord(step.name(), Summary.Status.FAILED, took, attempts[0], firstLine(message(e))));
            out.error(step.name(), message(e));
            return e;
        } finally {
            group.close();
        }
    }

    private Throwable runGroup(Step group, Console out, List<Summary.StepRecord> records, Map<String, String> outputs,
                               Deque<Step> completed) {
        long begin = System.nanoTime();
        List<Step> children = group.children();
        ExecutorService pool = Executors.newFixedThreadPool(children.size(), runnable -> {
            Thread thread = new Thread(runnable, "monet-step");
            thread.setDaemon(true);
            return thread;
        });
        List<Throwable> failures = new ArrayList<>();
        try (Console.Group g = out.group(group.name()); Console.Status status = out.status(group.name())) {
            status.update(children.stream().map(Step::name).collect(Collectors.joining(", ")));
            List<Future<Throwable>> futures = new ArrayList<>();
            for (Step child : children) {
                futures.add(pool.submit(() -> runOne(child, out, records, outputs, completed, false)));
            }
            for (Future<Throwable> future : futures) {
                Throwable failure = future.get();
                if (failure != null) {
                    failures.add(failure);
                }
            }
        } catch (Exception e) {
            failures.add(e);
        } finally {
            pool.shutdownNow();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        if (failures.isEmpty()) {
            records.add(new Summary.StepRecord(group.name(), Summary.Status.OK, took, 1, "parallel"));
            return null;
        }
        records.add(new Summary.StepRecord(group.name(), Summary.Status.FAILED, took, 1,
                failures.size() + " of " + children.size() + " failed"));
        Throwable first = failures.get(0);
        failures.subList(1, failures.size()).forEach(first::addSuppressed);
        return first;
    }

    private List<String> rollback(Deque<Step> completed, Console out, List<Summary.StepRecord> records) {
        List<String> done = new ArrayList<>();
        while (!completed.isEmpty()) {
            Step step = completed.pop();
            if (step.rollbackAction() == null) {
                continue;
            }
            String label = "rollback: " + step.name();
            long begin = System.nanoTime();
            StepContext context = new StepContext(label, step.timeout(), out, values, new LinkedHashMap<>());
            try (Console.Group g = out.group(label)) {
                step.rollbackAction().run(context);
                records.add(new Summary.StepRecord(label, Summary.Status.ROLLED_BACK,
                        Duration.ofNanos(System.nanoTime() - begin), 1, context.note()));
                out.success(label);
                done.add(step.name());
            } catch (Exception e) {
                records.add(new Summary.StepRecord(label, Summary.Status.ROLLBACK_FAILED,
                        Duration.ofNanos(System.nanoTime() - begin), 1, firstLine(message(e))));
                out.error(label, message(e));
            }
        }
        return done;
    }

    private Summary finish(Console out, long start, List<Summary.StepRecord> records, Map<String, String> outputs) {
        Summary summary = new Summary(name, List.copyOf(records), Map.copyOf(outputs), Duration.ofNanos(System.nanoTime() - start));
        out.info("");
        summary.text().lines().forEach(out::info);
        out.appendSummary(summary.markdown());
        return summary;
    }

    private static void closeQuietly(Console.Status status) {
        if (status != null) {
            status.close();
        }
    }

    static String message(Throwable error) {
        String text = error.getMessage();
        if (text == null || text.isBlank()) {
            text = error.getClass().getSimpleName();
        }
        return Secrets.mask(text);
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }
}

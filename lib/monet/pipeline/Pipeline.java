package monet.pipeline;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import monet.MonetException;
import monet.console.Console;
import monet.console.Secrets;

/**
 * A fluent pipeline of named steps, run in order, with parallel groups, compensating
 * rollbacks, points of no return, selection of steps, dry runs, timing and a summary.
 *
 * <pre>{@code
 * Summary summary = Pipeline.named("release")
 *     .parallel("build", e2e, buildWeb, images)
 *     .step(Step.named("deploy").action(ctx -> deploy()).rollback("the previous version", ctx -> rollBack()))
 *     .step(Step.named("verify").action(ctx -> verify()).commits())
 *     .step(cleanup)
 *     .only(List.of("verify"))
 *     .dryRun(dryRun)
 *     .run();
 * }</pre>
 *
 * <p>When a step fails, the rollbacks of the steps that completed run in reverse order, the
 * summary is printed, and a {@link PipelineException} names the step, the cause and what each
 * rollback did. In a dry run nothing is executed: every step prints what it would do. Output
 * goes to the process-wide {@link Console}. Every chaining method returns {@code this}; default:
 * not a dry run, every step.
 */
public final class Pipeline {
    private final String name;
    private final List<Step> steps = new ArrayList<>();
    /** Steps left out by a selection that come before a selected one: taken as done in an earlier run. */
    private final List<Step> doneEarlier = new ArrayList<>();
    private boolean dryRun;

    private Pipeline(String name) {
        this.name = name;
    }

    /** A new, empty pipeline. */
    public static Pipeline named(String name) {
        return new Pipeline(name);
    }

    /** Adds a step. */
    public Pipeline step(Step step) {
        Set<String> known = new LinkedHashSet<>(names(steps));
        for (String added : names(List.of(step))) {
            if (!known.add(added)) {
                throw new IllegalArgumentException("pipeline '" + name + "' already has a step named '" + added + "'");
            }
        }
        steps.add(step);
        return this;
    }

    /** Adds a group of steps that run at the same time. */
    public Pipeline parallel(String groupName, Step... group) {
        return step(Step.parallel(groupName, group));
    }

    /** Print what each step would do instead of doing it. */
    public Pipeline dryRun(boolean enabled) {
        this.dryRun = enabled;
        return this;
    }

    /**
     * Keeps only the named steps (a group's name keeps the whole group). The steps left out that
     * come before a kept one are taken as done in an earlier run, as when each step is its own
     * job: if a kept step fails, their rollbacks run too (those a point of no return has not
     * settled). Unknown names are a usage error that lists the valid ones.
     */
    public Pipeline only(Collection<String> stepNames) {
        check(stepNames);
        Set<Step> kept = new LinkedHashSet<>();
        for (Step step : all(steps)) {
            if (stepNames.contains(step.name())) {
                kept.addAll(leaves(List.of(step)));
            }
        }
        return keep(kept::contains);
    }

    /** Keeps the named step and every step after it; the ones before it are taken as done earlier (see {@link #only}). */
    public Pipeline from(String stepName) {
        check(List.of(stepName));
        List<Step> leaves = leaves(steps);
        Step first = all(steps).stream().filter(s -> s.name().equals(stepName)).findFirst().orElseThrow();
        int start = leaves.indexOf(leaves(List.of(first)).get(0));
        return keep(leaf -> leaves.indexOf(leaf) >= start);
    }

    private Pipeline keep(Predicate<Step> kept) {
        List<Step> leaves = leaves(steps);
        int last = -1;
        for (int i = 0; i < leaves.size(); i++) {
            if (kept.test(leaves.get(i))) {
                last = i;
            }
        }
        for (int i = 0; i < last; i++) {
            if (!kept.test(leaves.get(i))) {
                doneEarlier.add(leaves.get(i));
            }
        }
        List<Step> remaining = new ArrayList<>();
        for (Step step : steps) {
            if (!step.isGroup()) {
                if (kept.test(step)) {
                    remaining.add(step);
                }
                continue;
            }
            List<Step> children = step.children().stream().filter(kept).toList();
            if (children.size() == step.children().size()) {
                remaining.add(step);
            } else if (children.size() == 1) {
                remaining.add(children.get(0));
            } else if (!children.isEmpty()) {
                remaining.add(Step.parallel(step.name(), children.toArray(Step[]::new)));
            }
        }
        steps.clear();
        steps.addAll(remaining);
        return this;
    }

    private void check(Collection<String> stepNames) {
        List<String> known = names(steps);
        for (String n : stepNames) {
            if (!known.contains(n)) {
                throw MonetException.usage("'" + name + "' has no step '" + n + "'; its steps are: " + String.join(", ", known));
            }
        }
    }

    private static List<Step> leaves(List<Step> steps) {
        return steps.stream().flatMap(s -> s.isGroup() ? s.children().stream() : Stream.of(s)).toList();
    }

    private static List<Step> all(List<Step> steps) {
        List<Step> all = new ArrayList<>();
        for (Step step : steps) {
            all.add(step);
            all.addAll(step.children());
        }
        return all;
    }

    /** The names of the steps, groups and their steps, in order. */
    private static List<String> names(List<Step> steps) {
        return all(steps).stream().map(Step::name).collect(Collectors.toList());
    }

    /** The rollbacks armed before the first step runs: those of the steps done earlier, up to their last point of no return. */
    private Deque<Step> armed() {
        Deque<Step> armed = new ArrayDeque<>();
        for (Step step : doneEarlier) {
            if (step.isCommitPoint()) {
                armed.clear();
            }
            armed.push(step);
        }
        return armed;
    }

    /**
     * Runs the steps.
     *
     * @return the summary, when every step succeeded (or was skipped)
     * @throws PipelineException when a step failed, after the rollbacks ran
     */
    public Summary run() {
        Console out = Console.get();
        long start = System.nanoTime();
        List<Summary.StepRecord> records = Collections.synchronizedList(new ArrayList<>());
        Map<String, String> outputs = new LinkedHashMap<>();
        if (dryRun) {
            return dryRun(out, start, records, outputs);
        }
        Deque<Step> completed = armed();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            Throwable failure = step.isGroup()
                    ? runGroup(step, out, records, outputs, completed)
                    : runOne(step, out, records, outputs, completed, true);
            if (failure != null) {
                for (Step rest : steps.subList(i + 1, steps.size())) {
                    records.add(new Summary.StepRecord(rest.name(), Summary.Status.NOT_RUN, Duration.ZERO, ""));
                }
                List<String> rolledBack = rollback(completed, out, records);
                Summary summary = finish(out, start, records, outputs);
                String message = "step '" + step.name() + "' failed: " + message(failure)
                        + rolledBack.stream().map(line -> "\n" + line).collect(Collectors.joining());
                throw new PipelineException(step.name(), message, failure, summary);
            }
        }
        return finish(out, start, records, outputs);
    }

    private Summary dryRun(Console out, long start, List<Summary.StepRecord> records, Map<String, String> outputs) {
        out.info("dry run of '" + name + "': nothing will be changed");
        for (Step done : armed()) {
            if (done.rollbackAction() != null) {
                out.out("   done earlier: " + done.name() + "; if a step below fails: " + done.rollbackDescription());
            }
        }
        int n = 1;
        for (Step step : steps) {
            out.out(n++ + ". " + step.name() + ": " + step.description());
            for (Step child : step.children()) {
                out.out("   - " + child.name() + ": " + child.description());
                if (child.rollbackAction() != null) {
                    out.out("     on a later failure: " + child.rollbackDescription());
                }
            }
            if (step.rollbackAction() != null) {
                out.out("   on a later failure: " + step.rollbackDescription());
            }
            records.add(new Summary.StepRecord(step.name(), Summary.Status.DRY_RUN, Duration.ZERO, ""));
        }
        return new Summary(name, List.copyOf(records), outputs, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Runs one step; returns its failure, or null. */
    private Throwable runOne(Step step, Console out, List<Summary.StepRecord> records, Map<String, String> outputs,
                             Deque<Step> completed, boolean showHeader) {
        StepContext context = new StepContext(out, outputs);
        long begin = System.nanoTime();
        Console.Group group = showHeader ? out.group(step.name()) : () -> {};
        try (Console.Status status = showHeader ? out.status(step.name()) : null) {
            if (step.action() != null) {
                step.action().run(context);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            records.add(new Summary.StepRecord(step.name(), Summary.Status.OK, took, context.note()));
            synchronized (completed) {
                if (step.isCommitPoint()) {
                    completed.clear();
                }
                completed.push(step);
            }
            closeQuietly(status);
            out.success(step.name() + " (" + Console.formatDuration(took) + ")");
            return null;
        } catch (StepContext.StepSkipped skipped) {
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            records.add(new Summary.StepRecord(step.name(), Summary.Status.SKIPPED, took, skipped.getMessage()));
            out.warn("step '" + step.name() + "' skipped: " + skipped.getMessage());
            return null;
        } catch (Exception | Error e) {
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            records.add(new Summary.StepRecord(step.name(), Summary.Status.FAILED, took, firstLine(message(e))));
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
            records.add(new Summary.StepRecord(group.name(), Summary.Status.OK, took, "parallel"));
            return null;
        }
        records.add(new Summary.StepRecord(group.name(), Summary.Status.FAILED, took,
                failures.size() + " of " + children.size() + " failed"));
        Throwable first = failures.get(0);
        failures.subList(1, failures.size()).forEach(first::addSuppressed);
        return first;
    }

    /** Runs the rollbacks of the completed steps, last first; returns one line per rollback for the failure's message. */
    private List<String> rollback(Deque<Step> completed, Console out, List<Summary.StepRecord> records) {
        List<String> done = new ArrayList<>();
        while (!completed.isEmpty()) {
            Step step = completed.pop();
            if (step.rollbackAction() == null) {
                continue;
            }
            String label = "rollback: " + step.name();
            long begin = System.nanoTime();
            StepContext context = new StepContext(out, new LinkedHashMap<>());
            try (Console.Group g = out.group(label)) {
                step.rollbackAction().run(context);
                records.add(new Summary.StepRecord(label, Summary.Status.ROLLED_BACK, Duration.ofNanos(System.nanoTime() - begin),
                        context.note()));
                out.success(label);
                done.add("rolled back: " + step.name() + (context.note().isEmpty() ? "" : " (" + context.note() + ")"));
            } catch (Exception e) {
                records.add(new Summary.StepRecord(label, Summary.Status.ROLLBACK_FAILED, Duration.ofNanos(System.nanoTime() - begin),
                        firstLine(message(e))));
                out.error(label, message(e));
                done.add("ROLLBACK FAILED: " + step.name() + ": " + message(e));
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

package monet.host;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import monet.MonetException;
import monet.console.Console;
import monet.host.RemoteShell.RemoteCommand;
import monet.host.RemoteShell.RemoteResult;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.CommandInvocation;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.SsmException;
import software.amazon.awssdk.services.ssm.model.Target;

/**
 * One command on every instance matching a tag, through SSM's own targeting
 * ({@code Targets} with {@code MaxConcurrency} and {@code MaxErrors}): SSM does the fan-out,
 * this waits for the command and then collects each instance's full output and status with the
 * same code as {@link SsmShell}, several instances at once. Each instance is reported, whatever
 * happens to another (its result unreadable, throttled past patience, not run because MaxErrors
 * was reached). Ctrl-C or kill cancels the whole command ({@link Leftovers}).
 */
public final class SsmFleet {
    /** How long reading one instance's result may be throttled before that instance is reported as unreadable. */
    static final Duration RESULT_PATIENCE = Duration.ofSeconds(20);
    /** How often, past the delivery timeout, the invocations are checked for undelivered ones. */
    static final Duration UNDELIVERED_CHECK = Duration.ofSeconds(5);
    /** Results read at once. */
    static final int READERS = 8;
    private static final Set<String> RUNNING = Set.of("Pending", "InProgress");
    private final SsmShell shell;
    private final String tagSpec;
    private final String maxConcurrency;
    private final String maxErrors;

    /**
     * @param shell          provides the client, options and result handling (its instance is not used)
     * @param tagSpec        KEY=VALUE or tag:KEY=VALUE
     * @param maxConcurrency SSM MaxConcurrency ("10", "50%")
     * @param maxErrors      SSM MaxErrors ("0", "10%")
     */
    SsmFleet(SsmShell shell, String tagSpec, String maxConcurrency, String maxErrors) {
        this.shell = shell;
        this.tagSpec = tagSpec;
        this.maxConcurrency = maxConcurrency;
        this.maxErrors = maxErrors;
        Instances.tag(tagSpec);
    }

    /** One instance's outcome: a result, or the transport failure's message. */
    public record Outcome(String instanceId, RemoteResult result, String failure) {
        public boolean ok() {
            return result != null && result.ok();
        }
    }

    /** What would be sent. */
    public String preview(RemoteCommand command) {
        String single = shell.preview(command);
        String[] tag = Instances.tag(tagSpec);
        return "# SSM SendCommand with Targets tag:" + tag[0] + "=" + tag[1] + ", MaxConcurrency " + maxConcurrency
                + ", MaxErrors " + maxErrors + single.substring(single.indexOf('\n'));
    }

    /** Runs the command on every matching instance; outcomes in instance order. */
    public List<Outcome> run(RemoteCommand command) {
        if (!command.secrets().isEmpty()) {
            throw MonetException.usage("'" + command.description() + "' carries a secret and runs on one instance only");
        }
        String[] tag = Instances.tag(tagSpec);
        Target target = Target.builder().key("tag:" + tag[0]).values(tag[1]).build();
        SsmShell.Sent plan = shell.plan(command, Map.of());
        try (Leftovers leftovers = new Leftovers(shell.client(), "'" + command.description() + "' on tag " + tagSpec)) {
            String commandId = leftovers.send(() -> shell.send(shell.request(command, plan.script()).targets(target)
                    .maxConcurrency(maxConcurrency).maxErrors(maxErrors).build()), () -> removeSpills(target, plan.spillId()));
            Set<String> undelivered = new java.util.TreeSet<>();
            Command done = awaitCommand(commandId, command, undelivered);
            leftovers.ended();
            if (done.targetCount() != null && done.targetCount() == 0) {
                throw new MonetException("no instance matched tag:" + tag[0] + "=" + tag[1] + " (SSM " + commandId + ")");
            }
            List<Outcome> outcomes = collect(commandId, invocations(commandId, done.targetCount()), plan, command, undelivered);
            if (outcomes.stream().allMatch(o -> o.result() != null)) {
                leftovers.spillGone();
            }
            return outcomes;
        }
    }

    /** Each instance's outcome, read {@value #READERS} at a time; one instance's failure is that instance's outcome. */
    private List<Outcome> collect(String commandId, List<CommandInvocation> invocations, SsmShell.Sent plan, RemoteCommand command,
                                  Set<String> undelivered) {
        ExecutorService readers = Executors.newFixedThreadPool(Math.max(1, Math.min(READERS, invocations.size())), r -> {
            Thread thread = new Thread(r, "monet-ssm-result");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Map<String, Future<Outcome>> reading = new TreeMap<>();
            for (CommandInvocation invocation : invocations) {
                String id = invocation.instanceId();
                if (undelivered.contains(id)) {
                    reading.put(id, java.util.concurrent.CompletableFuture.completedFuture(new Outcome(id, null, "not delivered within "
                            + shell.options().deliveryTimeout().toSeconds() + " s (ssm.delivery-timeout), cancelled: SSM could not"
                            + " reach the instance's SSM agent (Delayed). Is the instance running and its agent online? Check: aws ssm"
                            + " describe-instance-information --region " + shell.options().region()
                            + " --filters Key=InstanceIds,Values=" + id + " (PingStatus)")));
                    continue;
                }
                reading.put(id, readers.submit(() -> outcome(commandId, id, plan, command)));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Map.Entry<String, Future<Outcome>> entry : reading.entrySet()) {
                try {
                    outcomes.add(entry.getValue().get());
                } catch (ExecutionException e) {
                    outcomes.add(new Outcome(entry.getKey(), null, "could not read its result: " + e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MonetException("interrupted while reading the results of SSM " + commandId);
                }
            }
            return outcomes;
        } finally {
            readers.shutdownNow();
        }
    }

    private Outcome outcome(String commandId, String id, SsmShell.Sent plan, RemoteCommand command) {
        try {
            GetCommandInvocationResponse invocation = readInvocation(commandId, id);
            if ("Terminated".equals(invocation.statusDetails())) {
                return new Outcome(id, null, "not run: the command reached its MaxErrors (" + maxErrors
                        + ", ssm.max-errors) on other instances");
            }
            return new Outcome(id, shell.finish(commandId, id, invocation, plan, command), null);
        } catch (MonetException e) {
            return new Outcome(id, null, e.getMessage());
        }
    }

    /** GetCommandInvocation for one instance, waiting out throttling for at most {@link #RESULT_PATIENCE}. */
    private GetCommandInvocationResponse readInvocation(String commandId, String id) {
        PollSchedule schedule = new PollSchedule();
        long started = System.nanoTime();
        while (true) {
            try {
                return shell.client().getCommandInvocation(b -> b.commandId(commandId).instanceId(id));
            } catch (SsmException e) {
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                if (!e.isThrottlingException() || elapsed.compareTo(RESULT_PATIENCE) > 0) {
                    throw new MonetException("could not read its result (SSM " + commandId + "): "
                            + e.awsErrorDetails().errorMessage() + " (" + e.awsErrorDetails().errorCode() + ")", e);
                }
                SsmShell.sleep(schedule.next(elapsed, true));
            }
        }
    }

    /** Cancels the invocations SSM could not deliver (Delayed) and remembers them. */
    private void cancelUndelivered(String commandId, Set<String> undelivered) {
        List<String> delayed = new ArrayList<>();
        shell.client().listCommandInvocationsPaginator(b -> b.commandId(commandId)).commandInvocations().forEach(i -> {
            if ("Delayed".equals(i.statusAsString()) && !undelivered.contains(i.instanceId())) {
                delayed.add(i.instanceId());
            }
        });
        if (!delayed.isEmpty()) {
            shell.client().cancelCommand(b -> b.commandId(commandId).instanceIds(delayed));
            undelivered.addAll(delayed);
        }
    }

    /** Removes the output directories the command may have left on its instances (fire and forget: SSM runs it). */
    private void removeSpills(Target target, String spillId) {
        String script = HostScript.of("ssm-remove").with("MONET_SPILL_ID", spillId).text();
        shell.send(shell.request(RemoteCommand.of("remove kept output", script, Duration.ofMinutes(1)), script).targets(target)
                .maxConcurrency("100%").maxErrors("100%").build());
    }

    /**
     * The command's invocations. ListCommandInvocations is eventually consistent like the rest of
     * SSM, so a finished command may briefly list fewer invocations than its target count: ask
     * again for a while, and fail rather than report fewer instances than SSM targeted.
     */
    private List<CommandInvocation> invocations(String commandId, Integer targetCount) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        PollSchedule schedule = new PollSchedule();
        long started = System.nanoTime();
        while (true) {
            List<CommandInvocation> found = new ArrayList<>();
            shell.client().listCommandInvocationsPaginator(b -> b.commandId(commandId)).commandInvocations().forEach(found::add);
            int expected = targetCount == null ? 1 : targetCount;
            if (found.size() >= expected) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new MonetException("SSM " + commandId + " targeted " + expected + " instance(s) but lists "
                        + found.size() + " invocation(s); see 'aws ssm list-command-invocations --command-id " + commandId + "'");
            }
            SsmShell.sleep(schedule.next(Duration.ofNanos(System.nanoTime() - started), false));
        }
    }

    /**
     * Waits for the command to end. SSM itself gives an instance it cannot reach until TimeoutSeconds
     * plus the execution timeout (11 minutes by default); past the delivery timeout (ssm.delivery-timeout)
     * the invocations SSM could not deliver (Delayed) are cancelled instead and added to {@code undelivered},
     * so the others are reported without that wait. Pending ones are left alone: under MaxConcurrency
     * they may only be waiting their turn.
     */
    private Command awaitCommand(String commandId, RemoteCommand command, Set<String> undelivered) {
        Duration delivery = shell.options().deliveryTimeout();
        Duration limit = delivery.plus(Duration.ofSeconds(SsmShell.executionSeconds(command))).plusMinutes(1);
        long started = System.nanoTime();
        long lastUndeliveredCheck = started - UNDELIVERED_CHECK.toNanos();
        PollSchedule schedule = new PollSchedule();
        boolean throttled = false;
        try (Console.Status status = shell.options().progress()
                ? Console.get().status(command.description() + " on tag " + tagSpec + " (SSM " + commandId + ")") : null) {
            while (true) {
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                SsmShell.sleep(schedule.next(elapsed, throttled));
                throttled = false;
                try {
                    List<Command> commands = shell.client().listCommands(b -> b.commandId(commandId)).commands();
                    if (!commands.isEmpty()) {
                        Command current = commands.get(0);
                        if (!RUNNING.contains(current.statusAsString())) {
                            return current;
                        }
                        if (status != null) {
                            status.update(current.statusAsString().toLowerCase() + ", " + current.completedCount() + "/"
                                    + current.targetCount() + " done; undelivered ones are given up after "
                                    + Console.formatDuration(delivery) + " (ssm.delivery-timeout), the rest after "
                                    + Console.formatDuration(limit));
                        }
                        // past the delivery timeout, look for undelivered invocations every few seconds, not every poll
                        if (elapsed.compareTo(delivery) > 0
                                && System.nanoTime() - lastUndeliveredCheck > UNDELIVERED_CHECK.toNanos()) {
                            lastUndeliveredCheck = System.nanoTime();
                            cancelUndelivered(commandId, undelivered);
                        }
                    }
                } catch (SsmException e) {
                    if (!e.isThrottlingException()) {
                        throw new MonetException("SSM ListCommands for " + commandId + " failed: "
                                + e.awsErrorDetails().errorMessage(), e);
                    }
                    throttled = true;
                }
                if (elapsed.compareTo(limit) > 0) {
                    shell.client().cancelCommand(b -> b.commandId(commandId));
                    throw new MonetException("SSM " + commandId + " did not finish within " + Console.formatDuration(limit)
                            + "; it was cancelled");
                }
            }
        }
    }
}

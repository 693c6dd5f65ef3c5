package monet.host;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * this only waits for the command and then collects each instance's full output and status
 * with the same code as {@link SsmShell}.
 */
public final class SsmFleet {
    private static final Set<String> COMMAND_DONE = Set.of("Success", "Failed", "TimedOut", "Cancelled");
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
    public SsmFleet(SsmShell shell, String tagSpec, String maxConcurrency, String maxErrors) {
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
        return single.replaceFirst("# SSM SendCommand to [^\n]*", "# SSM SendCommand with Targets tag:" + tag[0] + "=" + tag[1]
                + ", MaxConcurrency " + maxConcurrency + ", MaxErrors " + maxErrors);
    }

    /** Runs the command on every matching instance; outcomes in instance order. */
    public List<Outcome> run(RemoteCommand command) {
        if (!command.secrets().isEmpty()) {
            throw MonetException.usage("'" + command.description() + "' carries a secret and runs on one instance only");
        }
        String[] tag = Instances.tag(tagSpec);
        SsmShell.Sent plan = shell.plan(command, Map.of());
        String commandId = shell.send(shell.request(command, plan.script())
                .targets(Target.builder().key("tag:" + tag[0]).values(tag[1]).build())
                .maxConcurrency(maxConcurrency).maxErrors(maxErrors).build());
        Command done = awaitCommand(commandId, command);
        if (done.targetCount() != null && done.targetCount() == 0) {
            throw new MonetException("no instance matched tag:" + tag[0] + "=" + tag[1] + " (SSM " + commandId + ")");
        }
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (CommandInvocation invocation : invocations(commandId, done.targetCount())) {
            String id = invocation.instanceId();
            try {
                GetCommandInvocationResponse full = shell.client().getCommandInvocation(b -> b.commandId(commandId).instanceId(id));
                outcomes.put(id, new Outcome(id, shell.finish(commandId, id, full, plan.nonce(), command), null));
            } catch (MonetException e) {
                outcomes.put(id, new Outcome(id, null, e.getMessage()));
            }
        }
        List<Outcome> sorted = new ArrayList<>(outcomes.values());
        sorted.sort((a, b) -> a.instanceId().compareTo(b.instanceId()));
        return sorted;
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

    private Command awaitCommand(String commandId, RemoteCommand command) {
        Duration limit = shell.options().deliveryTimeout().plus(Duration.ofSeconds(SsmShell.executionSeconds(command))).plusMinutes(1);
        long started = System.nanoTime();
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
                        if (COMMAND_DONE.contains(current.statusAsString())) {
                            return current;
                        }
                        if (status != null) {
                            status.update(current.statusAsString().toLowerCase() + ", " + current.completedCount() + "/"
                                    + current.targetCount() + " done");
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

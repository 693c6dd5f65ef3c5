package monet.host;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.CommandFilter;
import software.amazon.awssdk.services.ssm.model.CommandFilterKey;
import software.amazon.awssdk.services.ssm.model.ParameterStringFilter;

/**
 * The one-time SecureString parameters under {@value SsmShell#SECRET_PREFIX} that carry secrets
 * to the instance ({@link SsmShell}). The instance deletes one when it reads it, and the client
 * when its command ends, however it ends; a client killed outright (SIGKILL, a crash) leaves its
 * parameter behind. {@link #cleanup} removes those no command can still need: the ones whose
 * command has ended, and the ones no command names that are older than {@link #UNSENT_GRACE}
 * (younger, a create-user may be between putting it and sending its command). A parameter whose
 * command is still pending or running is kept, unless forced.
 *
 * <p>Needs {@code ssm:DescribeParameters}, {@code ssm:ListCommands}, {@code ssm:ListCommandInvocations}
 * and {@code ssm:DeleteParameter} on the parameters.
 */
public final class SecretParameters {
    /** How long a parameter no command names yet may be one a create-user is still sending. */
    static final Duration UNSENT_GRACE = Duration.ofMinutes(2);
    private static final Set<String> RUNNING = Set.of("Pending", "InProgress", "Delayed", "Cancelling");

    private SecretParameters() {}

    /**
     * What a clean-up did.
     *
     * @param removed the parameters deleted
     * @param kept    the parameters kept, each with why
     */
    public record Report(List<String> removed, Map<String, String> kept) {}

    /** Removes the left-behind parameters (every one under the prefix when {@code force}). */
    public static Report cleanup(SsmClient ssm, boolean force) {
        Map<String, Instant> found = new TreeMap<>();
        ssm.describeParametersPaginator(b -> b.parameterFilters(ParameterStringFilter.builder().key("Name").option("BeginsWith")
                .values(SsmShell.SECRET_PREFIX).build())).stream().flatMap(page -> page.parameters().stream())
                .forEach(p -> found.put(p.name(), p.lastModifiedDate()));
        List<String> removed = new ArrayList<>();
        Map<String, String> kept = new LinkedHashMap<>();
        if (found.isEmpty()) {
            return new Report(removed, kept);
        }
        List<Command> commands = force ? List.of() : commandsSince(ssm, found.values().stream().min(Comparator.naturalOrder())
                .orElseThrow().minus(Duration.ofMinutes(1)));
        for (Map.Entry<String, Instant> parameter : found.entrySet()) {
            String name = parameter.getKey();
            List<Command> naming = commands.stream().filter(c -> String.valueOf(c.parameters().get("commands")).contains(name)).toList();
            Command live = naming.stream().filter(c -> RUNNING.contains(c.statusAsString())).findFirst().orElse(null);
            if (force) {
                removed.add(name);
            } else if (live != null) {
                kept.put(name, "its command " + live.commandId() + " is still " + invocationStatuses(ssm, live)
                        + " (--force removes it)");
            } else if (!naming.isEmpty() || Duration.between(parameter.getValue(), Instant.now()).compareTo(UNSENT_GRACE) > 0) {
                removed.add(name);
            } else {
                kept.put(name, "no command names it yet: a create-user may be sending one (--force removes it)");
            }
        }
        for (String name : removed) {
            try {
                ssm.deleteParameter(b -> b.name(name));
            } catch (software.amazon.awssdk.services.ssm.model.ParameterNotFoundException alreadyGone) {
                // its command or another clean-up deleted it meanwhile
            }
        }
        return new Report(removed, kept);
    }

    private static List<Command> commandsSince(SsmClient ssm, Instant since) {
        List<Command> commands = new ArrayList<>();
        ssm.listCommandsPaginator(b -> b.filters(CommandFilter.builder().key(CommandFilterKey.INVOKED_AFTER).value(since.toString())
                .build())).commands().forEach(commands::add);
        return commands;
    }

    /** "Delayed on i-0abc": what each of the command's invocations is doing. */
    private static String invocationStatuses(SsmClient ssm, Command command) {
        String statuses = ssm.listCommandInvocations(b -> b.commandId(command.commandId())).commandInvocations().stream()
                .map(i -> i.statusAsString() + " on " + i.instanceId()).collect(Collectors.joining(", "));
        return statuses.isEmpty() ? command.statusAsString() : statuses;
    }
}

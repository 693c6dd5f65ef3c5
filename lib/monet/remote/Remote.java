package monet.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import monet.MonetException;
import monet.aws.Aws;
import monet.config.Config;
import monet.config.Keys;
import monet.console.Console;
import monet.console.Secrets;
import monet.host.HostScript;
import monet.host.HostScripts;
import monet.host.RemoteShell;
import monet.host.RemoteShell.RemoteCommand;
import monet.host.RemoteShell.RemoteResult;
import monet.host.SecretParameters;
import monet.host.SshShell;
import monet.host.SsmFleet;
import monet.host.SsmShell;
import monet.host.Transports;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The {@code remote} commands: each builds its script with {@link HostScripts}, runs it on
 * one instance ({@link Transports#open}) or on every tagged instance ({@link SsmFleet}), and
 * prints data on stdout (JSON with {@code --json}), diagnostics on stderr. Each returns the
 * process exit code: the remote script's own for a single instance, 1 if any instance of a
 * fleet failed. {@code --dry-run} prints exactly what would be sent and contacts nothing.
 */
public final class Remote {
    /** The shortest interval between {@code logs --follow} polls over SSM. */
    static final Duration SSM_POLL_MINIMUM = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Where and how to run.
     *
     * @param via      ssm, ssh or local (null: ssm)
     * @param instance instance id overriding discovery (null: by tag)
     * @param targets  run on every instance with this tag through SSM (null: one instance); "" means instance.tag
     * @param dryRun   print what would be sent instead
     * @param json     print data as JSON
     * @param timeout  how long a command may run (null: remote.timeout)
     */
    public record Options(String via, String instance, String targets, boolean dryRun, boolean json, Duration timeout) {}

    private final Config config;
    private final Options options;
    private final HostScripts scripts;
    private RemoteShell shell;

    public Remote(Config config, Options options) {
        this.config = config;
        this.options = options;
        this.scripts = new HostScripts(config, () -> Aws.region(config).id(), HostScripts.who(config), "-");
        timeout();
        if (options.targets() != null && Transports.via(options.via()) != Transports.Via.SSM) {
            throw MonetException.usage("--all and --targets run through SSM's targeting: they cannot be combined with --via "
                    + options.via());
        }
    }

    /** A Remote with an explicit shell (tests, and --via local on the server). */
    Remote(Config config, Options options, RemoteShell shell) {
        this(config, options);
        this.shell = shell;
    }

    private RemoteShell shell() {
        if (shell == null) {
            shell = Transports.open(config, options.via(), options.instance());
        }
        return shell;
    }

    private Duration timeout() {
        return options.timeout() != null ? Transports.timeout(options.timeout()) : Transports.timeout(config);
    }

    private RemoteCommand command(String description, HostScript script) {
        return RemoteCommand.of(description, script.text(), timeout());
    }

    // ---- commands -----------------------------------------------------------------------------

    public int logs(String service, int lines, String since, boolean timestamps) {
        String name = service == null ? scripts.appContainer() : service;
        return stream(command("logs of " + name, scripts.logs(name, lines, since, timestamps)));
    }

    /**
     * {@code logs --follow}, until {@code keepGoing} says stop (or Ctrl-C). Over SSM with a log
     * group (logs.group) it reads CloudWatch Logs, where the server's agent ships every
     * container's lines: no command on the instance. Otherwise it polls {@code docker logs} with a
     * {@code --since} cursor over the transport; over SSM every poll is a command (history,
     * CloudTrail, a directory kept on the instance), so at most one per {@link #SSM_POLL_MINIMUM}.
     *
     * @param every time between polls (null: 2 s, 10 s when polling over SSM)
     */
    public int follow(String service, int lines, String since, boolean timestamps, Duration every, BooleanSupplier keepGoing) {
        String name = HostScripts.service(service == null ? scripts.appContainer() : service);
        if (options.targets() != null) {
            throw MonetException.usage("logs --follow runs on one instance (drop --all/--targets)");
        }
        String group = config.get(Keys.LOGS_GROUP).strip();
        boolean overSsm = Transports.via(options.via()) == Transports.Via.SSM;
        boolean cloudWatch = overSsm && !group.isEmpty();
        Duration interval = every != null ? every : overSsm && !cloudWatch ? Duration.ofSeconds(10) : Duration.ofSeconds(2);
        if (interval.isNegative() || interval.isZero()) {
            throw MonetException.usage("--every must be a number of seconds above 0");
        }
        if (overSsm && !cloudWatch && interval.compareTo(SSM_POLL_MINIMUM) < 0) {
            throw MonetException.usage("polling over SSM sends a command each time (kept in the command history, CloudTrail and"
                    + " on the instance): --every must be at least " + SSM_POLL_MINIMUM.toSeconds() + " s; set logs.group to"
                    + " follow through CloudWatch Logs instead");
        }
        return cloudWatch ? followCloudWatch(group, name, lines, since, timestamps, interval, keepGoing)
                : followByPolling(name, lines, since, timestamps, interval, keepGoing);
    }

    private int followCloudWatch(String group, String name, int lines, String since, boolean timestamps, Duration every,
                                 BooleanSupplier keepGoing) {
        String explicit = options.instance() != null && !options.instance().isBlank() ? options.instance() : config.get(Keys.INSTANCE_ID);
        if (since != null) {
            CloudWatchFollower.since(since);
        }
        if (options.dryRun()) {
            String instance = explicit.isBlank() ? "<id of the running instance tagged " + config.get(Keys.INSTANCE_TAG) + ">" : explicit;
            Console.get().out(CloudWatchFollower.preview(group, instance, name, lines, since, every));
            return 0;
        }
        String instance = Transports.ssm(config, options.instance()).instanceId();
        try (CloudWatchLogsClient logs = Aws.client(CloudWatchLogsClient.builder(), config)) {
            CloudWatchFollower follower = new CloudWatchFollower(logs, group, instance, name, timestamps, Console.get()::out);
            follower.start(lines, since);
            while (keepGoing.getAsBoolean()) {
                pause(every);
                follower.poll();
            }
        }
        return 0;
    }

    private int followByPolling(String name, int lines, String since, boolean timestamps, Duration every, BooleanSupplier keepGoing) {
        RemoteCommand first = command("logs of " + name, scripts.logs(name, lines, since, true));
        if (options.dryRun()) {
            Console.get().out(shell().preview(first));
            Console.get().out("# then, every " + Console.formatDuration(every) + ", with the last line's time as the cursor, e.g.:");
            Console.get().out(shell().preview(command("logs of " + name, scripts.logs(name, -1, Instant.now().toString(), true))));
            return 0;
        }
        LogCursor cursor = new LogCursor(timestamps, Console.get()::out);
        RemoteCommand next = first;
        RemoteShell polling = shell();
        while (true) {
            RemoteResult result = polling.run(next);
            if (polling instanceof SsmShell ssm) {
                polling = ssm.withoutProgress();
            }
            if (!result.ok()) {
                result.stderr().lines().forEach(Console.get()::info);
                return result.exitCode();
            }
            cursor.accept(result.stdout());
            if (!keepGoing.getAsBoolean()) {
                return 0;
            }
            pause(every);
            next = cursor.position() == null ? first
                    : command("logs of " + name, scripts.logs(name, -1, cursor.position(), true));
        }
    }

    public int restart(String service) {
        String name = service == null ? scripts.appContainer() : service;
        return stream(command("restart " + name, scripts.restart(name)));
    }

    /** Exit 0 when every container runs and both health endpoints answer 2xx, else 1 (the report is printed either way). */
    public int status() {
        boolean[] healthy = {true};
        int code = data(command("status", scripts.status()), out -> {
            ServerStatus report = new ServerStatus(out, List.of("/", config.get(Keys.DATA_DIR)));
            healthy[0] = report.healthy();
            return options.json() ? pretty(report.json(JSON)) : report.text().stripTrailing();
        });
        if (code == 0 && !healthy[0] && !options.dryRun() && options.targets() == null) {
            Console.get().warn("not healthy: a container is not running or a health endpoint did not answer 2xx");
            return 1;
        }
        return code;
    }

    public int version() {
        return data(command("version", scripts.version()), out -> {
            String tag = out.strip();
            return options.json() ? pretty(JSON.createObjectNode().put("image_tag", tag)) : tag;
        });
    }

    public int migrate() {
        return stream(command("migrate", scripts.migrate("", "")));
    }

    public int createInvite() {
        return data(command("create-invite", scripts.createInvite()), out -> {
            List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
            String code = lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
            return options.json() ? pretty(JSON.createObjectNode().put("code", code)) : out.stripTrailing();
        });
    }

    /** Creates a user with the password (see {@link Passwords}); a generated one is printed once at the end. */
    public int createUser(String email, Passwords.Password password) {
        HostScripts.email(email);
        if (options.targets() != null) {
            throw MonetException.usage("create-user runs on one instance (drop --all/--targets)");
        }
        RemoteCommand command = command("create-user " + email, scripts.createUser(email))
                .withSecret(HostScripts.PASSWORD_VARIABLE, password.value());
        if (options.dryRun()) {
            Console.get().out(shell().preview(command));
            return 0;
        }
        RemoteResult result = shell().run(command);
        if (!result.ok()) {
            result.stdout().lines().forEach(Console.get()::out);
            result.stderr().lines().forEach(Console.get()::info);
            return result.exitCode();
        }
        if (options.json()) {
            // printed unmasked (a generated password is shown this once): the server's own output is masked first
            ObjectNode node = JSON.createObjectNode().put("email", Secrets.mask(email))
                    .put("output", Secrets.mask(result.stdout().strip()));
            if (password.generated()) {
                node.put("password", password.value());
            }
            Passwords.showOnce(pretty(node));
        } else {
            result.stdout().lines().forEach(Console.get()::out);
            if (password.generated()) {
                Passwords.showOnce("password: " + password.value());
                Console.get().info("the generated password is shown only this once");
            }
        }
        return 0;
    }

    public int exec(List<String> words) {
        return commandLine("exec in " + scripts.appContainer(), scripts.exec(nonEmpty(words)));
    }

    public int shell(List<String> words) {
        return commandLine("shell", scripts.shell(nonEmpty(words)));
    }

    public int db(String sql, boolean write) {
        return data(command(write ? "db (write)" : "db", scripts.db(sql, write, options.json())),
                out -> options.json() && out.isBlank() ? "[]" : out.stripTrailing());
    }

    /**
     * {@code cleanup}: the one-time secret parameters interrupted commands left in Parameter Store
     * ({@link SecretParameters}), then the output they left kept on the host (older than an hour,
     * or all with {@code force}).
     */
    public int cleanup(boolean force) {
        HostScript leftovers = scripts.keptOutput(force);
        if (options.dryRun()) {
            Console.get().out("# SSM DescribeParameters: the parameters under " + SsmShell.SECRET_PREFIX + (force ? "; DeleteParameter: each"
                    : "; ListCommands since the oldest: those whose command ended, or none names after 2 minutes; DeleteParameter: each"));
            return preview(command("remove kept output", leftovers));
        }
        try (SsmClient ssm = Aws.client(SsmClient.builder(), config)) {
            SecretParameters.Report report = SecretParameters.cleanup(ssm, force);
            report.removed().forEach(name -> Console.get().info("removed " + name));
            report.kept().forEach((name, why) -> Console.get().info("kept " + name + ": " + why));
            Console.get().info(report.removed().size() + " one-time secret parameter(s) removed, " + report.kept().size() + " kept");
        }
        return stream(command("remove kept output", leftovers));
    }

    /** An interactive SSH session (always SSH, whatever --via says). */
    public int ssh() {
        if (options.targets() != null) {
            throw MonetException.usage("ssh opens one session (drop --all/--targets)");
        }
        SshShell ssh = (SshShell) Transports.open(config, "ssh", options.instance());
        if (options.dryRun()) {
            Console.get().out(ssh.sessionPreview());
            return 0;
        }
        return ssh.session().runInteractive();
    }

    // ---- running and printing -----------------------------------------------------------------

    private static List<String> nonEmpty(List<String> words) {
        if (words == null || words.isEmpty() || String.join("", words).isBlank()) {
            throw MonetException.usage("give the command to run");
        }
        return words;
    }

    /** Output streamed as it comes; the remote exit code is ours. */
    private int stream(RemoteCommand command) {
        if (options.dryRun()) {
            return preview(command);
        }
        if (options.targets() != null) {
            return fleet(command);
        }
        RemoteResult result = shell().run(command.streaming(Console.get()::out, Console.get()::info));
        return result.exitCode();
    }

    /** exec and shell: streamed, or one JSON object with the exit code and both streams. */
    private int commandLine(String description, HostScript script) {
        RemoteCommand command = command(description, script);
        if (!options.json() || options.dryRun() || options.targets() != null) {
            return stream(command);
        }
        RemoteResult result = shell().run(command);
        Console.get().out(pretty(JSON.createObjectNode().put("target", shell().target()).put("exit_code", result.exitCode())
                .put("stdout", result.stdout()).put("stderr", result.stderr())));
        return result.exitCode();
    }

    /** Output collected and rendered; on failure the output is shown as it is. */
    private int data(RemoteCommand command, Render render) {
        if (options.dryRun()) {
            return preview(command);
        }
        if (options.targets() != null) {
            return fleet(command);
        }
        RemoteResult result = shell().run(command);
        if (!result.ok()) {
            result.stdout().lines().forEach(Console.get()::out);
            result.stderr().lines().forEach(Console.get()::info);
            return result.exitCode();
        }
        result.stderr().lines().forEach(Console.get()::info);
        String text = render.apply(result.stdout());
        if (!text.isEmpty()) {
            Console.get().out(text);
        }
        return 0;
    }

    private int preview(RemoteCommand command) {
        if (options.targets() != null) {
            Console.get().out(Transports.fleet(config, options.targets()).preview(command));
        } else {
            Console.get().out(shell().preview(command));
        }
        return 0;
    }

    private int fleet(RemoteCommand command) {
        List<SsmFleet.Outcome> outcomes = Transports.fleet(config, options.targets()).run(command);
        boolean failed = false;
        ArrayNode all = JSON.createArrayNode();
        for (SsmFleet.Outcome outcome : outcomes) {
            String prefix = "[" + outcome.instanceId() + "] ";
            failed |= !outcome.ok();
            if (options.json()) {
                ObjectNode node = all.addObject().put("instance", outcome.instanceId());
                if (outcome.result() != null) {
                    node.put("exit_code", outcome.result().exitCode()).put("stdout", outcome.result().stdout())
                            .put("stderr", outcome.result().stderr());
                } else {
                    node.put("error", outcome.failure());
                }
                continue;
            }
            if (outcome.result() != null) {
                outcome.result().stdout().lines().forEach(line -> Console.get().out(prefix + line));
                outcome.result().stderr().lines().forEach(line -> Console.get().info(prefix + line));
                if (!outcome.ok()) {
                    Console.get().error(null, prefix + "exited with " + outcome.result().exitCode());
                }
            } else {
                Console.get().error(null, prefix + outcome.failure());
            }
        }
        if (options.json()) {
            Console.get().out(pretty(all));
        }
        int bad = (int) outcomes.stream().filter(o -> !o.ok()).count();
        if (failed) {
            Console.get().error(null, bad + " of " + outcomes.size() + " instances failed");
        }
        return failed ? 1 : 0;
    }

    private static String pretty(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pause(Duration every) {
        try {
            Thread.sleep(every.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MonetException("interrupted while following the logs");
        }
    }

    @FunctionalInterface
    private interface Render {
        String apply(String stdout);
    }

    /** Prints timestamped docker log lines once each, across polls with {@code --since CURSOR}. */
    static final class LogCursor {
        private final boolean keepTimestamps;
        private final java.util.function.Consumer<String> out;
        private String position;
        private int atPosition;

        LogCursor(boolean keepTimestamps, java.util.function.Consumer<String> out) {
            this.keepTimestamps = keepTimestamps;
            this.out = out;
        }

        /** The last timestamp printed (docker's --since is inclusive, so lines at it repeat). */
        String position() {
            return position;
        }

        void accept(String output) {
            int skip = atPosition;
            List<String> lines = new ArrayList<>(output.lines().toList());
            for (String line : lines) {
                int space = line.indexOf(' ');
                String stamp = space > 0 ? line.substring(0, space) : line;
                if (!stamp.matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+(Z|[+-][0-9:]+)")) {
                    out.accept(line);
                    continue;
                }
                if (stamp.equals(position)) {
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    atPosition++;
                } else {
                    position = stamp;
                    atPosition = 1;
                    skip = 0;
                }
                out.accept(keepTimestamps || space < 0 ? line : line.substring(space + 1));
            }
        }
    }
}

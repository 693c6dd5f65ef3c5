///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DESCRIPTION Manage the production server over SSM (or SSH, or locally): logs, status, restart, migrate, users, exec, shell, db, ssh.
//SOURCES ../lib/monet/package-info.java
//SOURCES ../lib/monet/aws/package-info.java
//SOURCES ../lib/monet/cli/package-info.java
//SOURCES ../lib/monet/config/package-info.java
//SOURCES ../lib/monet/console/package-info.java
//SOURCES ../lib/monet/host/package-info.java
//SOURCES ../lib/monet/process/package-info.java
//SOURCES ../lib/monet/remote/package-info.java
//SOURCES ../lib/monet/text/package-info.java
// Start fast: class-data sharing (recorded on the first run after a build), C1 only, serial GC;
// JVM warnings go to stderr and CDS's own notes nowhere, so stdout stays data.
//CDS
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr -Xlog:cds=off:stderr -Xlog:cds+dynamic=off:stderr
package monet.scripts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import monet.cli.Cli;
import monet.cli.HelpOption;
import monet.cli.ConfigCommand;
import monet.cli.ConfigOptions;
import monet.cli.HostOptions;
import monet.remote.Passwords;
import monet.remote.Remote;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "remote",
        subcommands = {remote.Logs.class, remote.Status.class, remote.Restart.class, remote.Version.class,
                remote.Migrate.class, remote.CreateInvite.class, remote.CreateUser.class, remote.Exec.class,
                remote.Shell.class, remote.Db.class, remote.Ssh.class, remote.Cleanup.class, ConfigCommand.class},
        description = {"Manage the production server over SSM (or SSH, or locally): logs, status, restart, migrate, users, exec, shell, db, ssh, cleanup.",
                "",
                "The instance is the one running instance tagged instance.tag (Name=drawing-agent), or --instance ID. "
                        + "Every command takes --via ssm|ssh|local, --instance, --dry-run (print exactly what would be sent), "
                        + "--timeout SECONDS (1 to 172800; default remote.timeout, 600) and --set KEY=VALUE; data commands "
                        + "take --json. logs, status, restart, version, exec, shell and db also take --all / --targets "
                        + "tag:KEY=VALUE to run on every matching instance through SSM's own targeting.",
                "",
                "Over SSM a command that no instance agent picks up within ssm.delivery-timeout (default 60 s, 30 to "
                        + "2592000; the progress line says how long) is cancelled, with what to check. On Ctrl-C, kill, a "
                        + "failure or a time-out, what the command left (its one-time secret parameter, the command itself, "
                        + "output kept on the host) is removed; `remote cleanup` removes what a kill -9 left.",
                "",
                "Exit code: the remote command's own for one instance; 1 if any instance failed or the transport "
                        + "failed (undeliverable, timed out, cancelled); 2 for bad usage; 130/143 when interrupted."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure (transport, or any instance of --all)", "2:usage error",
                "130:interrupted by Ctrl-C (143: by kill); the command was cancelled", "n:the remote command's exit code"})
class remote {
    @Mixin
    HelpOption help;

    public static void main(String... args) {
        Cli.main(new remote(), args);
    }

    /** Where and how every subcommand runs. */
    static class Where {
        @Mixin
        HostOptions host;

        @Mixin
        ConfigOptions config;

        Remote remote(boolean json, String targets) {
            return new Remote(config.config(), new Remote.Options(host.via(), host.instance(), targets, host.dryRun(), json,
                    host.timeout()));
        }
    }

    /** --all / --targets for commands that may run on several instances. */
    static class Fleet {
        @Option(names = "--all", description = "Run on every instance tagged instance.tag through SSM targeting "
                + "(ssm.max-concurrency, ssm.max-errors); output prefixed with the instance id; exit 1 if any failed.")
        boolean all;

        @Option(names = "--targets", paramLabel = "tag:KEY=VALUE", description = "Like --all, for the instances with this tag.")
        String targets;

        static String of(Fleet fleet) {
            if (fleet == null) {
                return null;
            }
            return fleet.targets != null ? fleet.targets : fleet.all ? "" : null;
        }
    }

    @Command(name = "logs", description = {"Show a container's logs (docker logs).",
            "With --follow keeps printing new lines until Ctrl-C, none twice, none missed: over SSM it reads CloudWatch Logs "
                    + "(logs.group, the infrastructure's app_log_group), where the server's CloudWatch agent ships every "
                    + "container's lines, so no command runs on the instance; with logs.group empty, or --via ssh|local, it "
                    + "asks docker every --every seconds for the lines since the last one (over SSM at most every 5 s: each "
                    + "poll is a command in the SSM history)."})
    static class Logs implements Callable<Integer> {
        @Mixin Where where;
        @ArgGroup(exclusive = true) Fleet fleet;

        @Option(names = {"-n", "--lines"}, paramLabel = "LINES", defaultValue = "100", description = "How many of the last lines (default 100; -1: all).")
        int lines;

        @Option(names = "--since", paramLabel = "DURATION|TIME", description = "Only lines since then: 10m, 2h, 2026-01-31T12:00:00Z.")
        String since;

        @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until interrupted.")
        boolean follow;

        @Option(names = "--every", paramLabel = "SECONDS",
                description = "With --follow: seconds between polls (default 2; 10 when polling over SSM, at least 5 there).")
        Double every;

        @Option(names = {"-t", "--timestamps"}, description = "Show docker's timestamp on each line.")
        boolean timestamps;

        @Option(names = "--service", paramLabel = "NAME", description = "Container (default: app.container, drawing-agent).")
        String service;

        @Override
        public Integer call() {
            Remote remote = where.remote(false, Fleet.of(fleet));
            if (follow) {
                Duration interval = every == null ? null : Duration.ofMillis((long) (every * 1000));
                return remote.follow(service, lines, since, timestamps, interval, () -> true);
            }
            return remote.logs(service, lines, since, timestamps);
        }
    }

    @Command(name = "status",
            description = {"Containers with state and image tag, disk use of / and the data volume, and the answers of /api/version and /ssr-health.", "Exits 1 when a container is not running or an endpoint does not answer 2xx."})
    static class Status implements Callable<Integer> {
        @Mixin Where where;
        @ArgGroup(exclusive = true) Fleet fleet;
        @Option(names = "--json", description = "Print JSON.") boolean json;

        @Override
        public Integer call() {
            return where.remote(json, Fleet.of(fleet)).status();
        }
    }

    @Command(name = "restart", description = "Restart a compose service (docker compose restart) in app.dir.")
    static class Restart implements Callable<Integer> {
        @Mixin Where where;
        @ArgGroup(exclusive = true) Fleet fleet;
        @Parameters(arity = "0..1", paramLabel = "SERVICE", description = "Service (default: app.container, drawing-agent).") String service;

        @Override
        public Integer call() {
            return where.remote(false, Fleet.of(fleet)).restart(service);
        }
    }

    @Command(name = "version", description = "The running IMAGE_TAG (from app.dir/.env).")
    static class Version implements Callable<Integer> {
        @Mixin Where where;
        @ArgGroup(exclusive = true) Fleet fleet;
        @Option(names = "--json", description = "Print JSON.") boolean json;

        @Override
        public Integer call() {
            return where.remote(json, Fleet.of(fleet)).version();
        }
    }

    @Command(name = "migrate", description = "Run the database migrations in the app container (app.migrate: uv run alembic upgrade head).")
    static class Migrate implements Callable<Integer> {
        @Mixin Where where;

        @Override
        public Integer call() {
            return where.remote(false, null).migrate();
        }
    }

    @Command(name = "create-invite", description = "Create an invite code (app.cli.create-invite in the app container) and print it.")
    static class CreateInvite implements Callable<Integer> {
        @Mixin Where where;
        @Option(names = "--json", description = "Print JSON: {\"code\": ...}.") boolean json;

        @Override
        public Integer call() {
            return where.remote(json, null).createInvite();
        }
    }

    @Command(name = "create-user", description = {"Create a user (app.cli.create-user in the app container).",
            "The password comes from PASSWORD, --password-stdin, a no-echo prompt on a terminal, or is generated and shown once. "
                    + "It never appears in SSM command parameters or history, process arguments or logs: over SSM it travels in a "
                    + "short-lived SecureString parameter under /monet/tmp/ that the instance reads and deletes; over ssh and local on stdin."})
    static class CreateUser implements Callable<Integer> {
        @Mixin Where where;
        @Parameters(index = "0", paramLabel = "EMAIL", description = "The user's email address.") String email;
        @Parameters(index = "1", arity = "0..1", paramLabel = "PASSWORD", description = "The password (visible in shell history: prefer --password-stdin).") String password;
        @Option(names = "--password-stdin", description = "Read the password from the first line of stdin.") boolean passwordStdin;
        @Option(names = "--json", description = "Print JSON (with the password, if generated).") boolean json;

        @Override
        public Integer call() {
            Remote remote = where.remote(json, null);
            try {
                monet.host.HostScripts.email(email);
            } catch (monet.MonetException notAnEmail) {
                // not echoed: with the arguments swapped, the "email" is the password
                throw monet.MonetException.usage("EMAIL (the first argument) is not an email address; the password, if given,"
                        + " comes second");
            }
            Passwords.Password secret = where.host.dryRun() && password == null && !passwordStdin ? Passwords.generate()
                    : Passwords.resolve(password, passwordStdin, System.in, System.console() != null);
            return remote.createUser(email, secret);
        }
    }

    @Command(name = "exec", description = {"Run a command line in the app container (docker exec ... sh -c).",
            "The words are joined with spaces and run by the container's sh, exactly as given: exec 'echo \"$HOME\"; id'."})
    static class Exec implements Callable<Integer> {
        @Mixin Where where;
        @ArgGroup(exclusive = true) Fleet fleet;
        @Option(names = "--json", description = "Print JSON: target, exit_code, stdout, stderr.") boolean json;
        @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command line.") List<String> command = new ArrayList<>();

        @Override
        public Integer call() {
            return where.remote(json, Fleet.of(fleet)).exec(command);
        }
    }

    @Command(name = "shell", description = {"Run a command line on the host (sh -c).",
            "The words are joined with spaces and run by the host's sh, exactly as given."})
    static class Shell implements Callable<Integer> {
        @Mixin Where where;
        @ArgGroup(exclusive = true) Fleet fleet;
        @Option(names = "--json", description = "Print JSON: target, exit_code, stdout, stderr.") boolean json;
        @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command line.") List<String> command = new ArrayList<>();

        @Override
        public Integer call() {
            return where.remote(json, Fleet.of(fleet)).shell(command);
        }
    }

    @Command(name = "db", description = {"Query the SQLite database on the host (sqlite3 on data.dir/db.name).",
            "Read-only unless --write, and always in sqlite3's safe mode: no .shell, .system, writefile(), readfile(), "
                    + "load_extension(), ATTACH or other files (over SSM it runs as root). Without SQL, list the tables."})
    static class Db implements Callable<Integer> {
        @Mixin Where where;
        @ArgGroup(exclusive = true) Fleet fleet;
        @Option(names = "--write", description = "Open the database for writing.") boolean write;
        @Option(names = "--json", description = "Rows as JSON (sqlite3 -json).") boolean json;
        @Parameters(arity = "0..1", paramLabel = "SQL", description = "The statement(s) to run.") String sql;

        @Override
        public Integer call() {
            return where.remote(json, Fleet.of(fleet)).db(sql, write);
        }
    }

    // $${TMPDIR...}: picocli expands ${...} in descriptions, and this is the host's TMPDIR, not this machine's
    @Command(name = "cleanup", description = {"Remove what interrupted commands left behind.",
            "The one-time secret parameters under /monet/tmp/ in Parameter Store that no command can still need (its command "
                    + "has ended, or none names it after 2 minutes), and, on the host, output kept in $${TMPDIR:-/tmp}/monet-ssm.* "
                    + "for more than an hour. A command normally removes both itself, even on Ctrl-C or kill; a kill -9 or a crash "
                    + "does not, and the next create-user removes such parameters too. --force removes every one, even one a "
                    + "command in flight may still need."})
    static class Cleanup implements Callable<Integer> {
        @Mixin Where where;
        @Option(names = "--force", description = "Remove every /monet/tmp/ parameter and every kept output, in use or not.") boolean force;

        @Override
        public Integer call() {
            return where.remote(false, null).cleanup(force);
        }
    }

    @Command(name = "ssh", description = {"Open an interactive SSH session to the instance's public address "
            + "(or ssh.host) as ssh.user with ssh.key, like: ssh -i ~/.ssh/drawing-agent.pem ec2-user@IP."})
    static class Ssh implements Callable<Integer> {
        @Mixin Where where;

        @Override
        public Integer call() {
            return where.remote(false, null).ssh();
        }
    }
}

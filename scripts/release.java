///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//DESCRIPTION Cut, build, publish, deploy, verify and roll back releases of Code Monet.
//SOURCES ../lib/monet/package-info.java
//SOURCES ../lib/monet/aws/package-info.java
//SOURCES ../lib/monet/changelog/package-info.java
//SOURCES ../lib/monet/cli/package-info.java
//SOURCES ../lib/monet/config/package-info.java
//SOURCES ../lib/monet/console/package-info.java
//SOURCES ../lib/monet/host/package-info.java
//SOURCES ../lib/monet/infra/package-info.java
//SOURCES ../lib/monet/pipeline/package-info.java
//SOURCES ../lib/monet/process/package-info.java
//SOURCES ../lib/monet/release/package-info.java
//SOURCES ../lib/monet/text/package-info.java
// Start fast: class-data sharing (recorded on the first run after a build), C1 only, serial GC;
// JVM warnings go to stderr and CDS's own notes nowhere, so stdout stays data.
//CDS
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr -Xlog:cds=off:stderr -Xlog:cds+dynamic=off:stderr
package monet.scripts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import monet.MonetException;
import monet.cli.Cli;
import monet.cli.ConfigCommand;
import monet.cli.ConfigOptions;
import monet.cli.HelpOption;
import monet.cli.HostOptions;
import monet.config.Keys;
import monet.console.Console;
import monet.host.HostScript;
import monet.host.HostTarget;
import monet.infra.GitHubSecretsCommand;
import monet.pipeline.Pipeline;
import monet.release.Cut;
import monet.release.ReleaseContext;
import monet.release.Stage;
import monet.release.Stages;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "release", modelTransformer = release.Subcommands.class,
        description = {"Cut, build, publish, deploy, verify and roll back releases of Code Monet.",
                "",
                "A release: 'release cut 1.4.0' (or --bump) tags main; the workflow on the tag then runs one stage"
                        + " per step ('release STAGE'; 'release pipeline' runs them all, side by side where they can).",
                "",
                "The version comes from --version, MONET_RELEASE_VERSION, the tag GitHub Actions builds, or a vX.Y.Z"
                        + " tag at HEAD; a --dry-run without one derives it from CHANGELOG.md and says so. A --dry-run"
                        + " prints every step and exactly what it would run, and needs no credentials, no AWS and no network."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure (a stage failed; the message says what was rolled back)", "2:usage error"})
class release {
    @Mixin
    HelpOption help;

    public static void main(String... args) {
        Cli.main(new release(), args);
    }

    /** The subcommands, in the order --help lists them: cut, one per stage (made from its declaration), then the rest. */
    static class Subcommands implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec release) {
            add(release, new CommandLine(new CutCommand()));
            for (Stage stage : Stages.ALL) {
                CommandLine command = new CommandLine(new StageCommand(stage));
                command.getCommandSpec().usageMessage().description(stage.help(), stage.details());
                stage.switches().forEach(flag -> switchOption(command.getCommandSpec(), flag));
                release.addSubcommand(stage.name(), command);
            }
            CommandLine pipeline = new CommandLine(new PipelineCommand());
            List<String> levels = Stage.levels(Stages.ALL).stream()
                    .map(level -> String.join(" + ", level.stream().map(Stage::name).toList())).toList();
            pipeline.getCommandSpec().usageMessage().description("Run the stages as one pipeline.",
                    "Level by level, the stages of a level side by side: " + String.join(", then ", levels) + ".");
            List.of(Stage.Switch.values()).forEach(flag -> switchOption(pipeline.getCommandSpec(), flag));
            add(release, pipeline);
            for (Object other : List.of(new Rollback(), new Status(), new Lock(), new Unlock(), new SummaryCommand(),
                    new GitHubSecretsCommand(), new ConfigCommand())) {
                add(release, new CommandLine(other));
            }
            return release;
        }

        private static void add(CommandSpec release, CommandLine command) {
            release.addSubcommand(command.getCommandName(), command);
        }

        private static void switchOption(CommandSpec command, Stage.Switch flag) {
            command.addOption(OptionSpec.builder(flag.option()).type(boolean.class).description(flag.help()).build());
        }
    }

    /** Where host scripts run. */
    static class Target {
        @Mixin
        HostOptions host;

        @Mixin
        ConfigOptions config;

        boolean dryRun() {
            return host.dryRun();
        }

        ReleaseContext context(String version) {
            return new ReleaseContext(config.config(), Path.of("").toAbsolutePath(), host.dryRun(), version,
                    HostTarget.of(config.config(), host.via(), host.instance(), host.timeout()));
        }
    }

    /** Options of every command that releases a version. */
    static class Common {
        @Mixin
        Target target;

        @Option(names = "--version", paramLabel = "X.Y.Z",
                description = "The version to release (default: MONET_RELEASE_VERSION, the tag being built, or a vX.Y.Z tag at HEAD).")
        String version;

        /** Runs the stages' pipeline narrowed by {@code select}, with the switches the command line set. */
        int run(CommandSpec command, String title, UnaryOperator<Pipeline> select) {
            Set<Stage.Switch> on = EnumSet.noneOf(Stage.Switch.class);
            for (Stage.Switch flag : Stage.Switch.values()) {
                OptionSpec option = command.findOption(flag.option());
                if (option != null && Boolean.TRUE.equals(option.getValue())) {
                    on.add(flag);
                }
            }
            ReleaseContext ctx = target.context(version);
            ReleaseContext.ResolvedVersion v = ctx.version();
            Console.get().info("version " + v.version() + " (" + v.source() + "), commit " + ctx.commit());
            Stages stages = new Stages(ctx, on);
            try {
                select.apply(stages.pipeline(title)).run();
            } catch (RuntimeException failed) {
                if (!(failed instanceof MonetException m && m.exitCode() == MonetException.USAGE)) {
                    stages.endFailedRelease();
                }
                throw failed;
            }
            return 0;
        }
    }

    /** {@code release STAGE}: the pipeline with that one stage (the ones before it taken as done). */
    @Command
    static class StageCommand implements Callable<Integer> {
        private final Stage stage;

        @Mixin
        Common common;

        @Spec
        CommandSpec spec;

        StageCommand(Stage stage) {
            this.stage = stage;
        }

        @Override
        public Integer call() {
            return common.run(spec, "release " + stage.name(), pipeline -> pipeline.only(List.of(stage.name())));
        }
    }

    @Command(name = "pipeline")
    static class PipelineCommand implements Callable<Integer> {
        @Mixin
        Common common;

        @Spec
        CommandSpec spec;

        @Option(names = "--from", paramLabel = "STAGE", description = "Start at this stage.")
        String from;

        @Option(names = "--only", paramLabel = "STAGE", split = ",", description = "Run only these stages (repeatable, or comma-separated).")
        List<String> only = new ArrayList<>();

        @Override
        public Integer call() {
            return common.run(spec, "release pipeline", pipeline -> {
                Pipeline selected = from == null ? pipeline : pipeline.from(from);
                return only.isEmpty() ? selected : selected.only(only);
            });
        }
    }

    @Command(name = "cut", description = {"Cut a release: changelog, commit, tag, atomic push.",
            "Checks first: on release.branch (main), a clean tree, up to date with the remote (fetched), [Unreleased]"
                    + " not empty, the changelog lints, the version SemVer, above the last tag and free. Then moves"
                    + " [Unreleased] in CHANGELOG.md to the version, commits 'Release vX', tags vX (annotated) and runs"
                    + " 'git push --atomic REMOTE BRANCH vX'. If anything fails after the first change, the repository"
                    + " is put back exactly as it was."})
    static class CutCommand implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "VERSION", description = "The version (X.Y.Z); or use --bump.")
        String version;

        @Option(names = "--bump", paramLabel = "major|minor|patch|auto",
                description = "Derive the version from the latest one. auto reads [Unreleased]: Removed or Changed -> major,"
                        + " Added or Deprecated -> minor, only Fixed or Security -> patch; below 1.0.0 one step less"
                        + " (major -> minor, minor -> patch); a first release is 0.1.0.")
        String bump;

        @Option(names = "--remote", defaultValue = "origin", paramLabel = "REMOTE", description = "The remote to push to (default: ${DEFAULT-VALUE}).")
        String remote;

        @Option(names = "--dry-run", description = "Run the checks and print the plan; change nothing.")
        boolean dryRun;

        @Mixin
        ConfigOptions config;

        @Override
        public Integer call() {
            if ((version == null) == (bump == null)) {
                throw MonetException.usage("give either VERSION or --bump major|minor|patch|auto");
            }
            Console console = Console.get();
            Cut cut = new Cut(Path.of("").toAbsolutePath(), config.config().get(Keys.RELEASE_BRANCH), remote, console);
            Cut.Plan plan = cut.preflight(version, bump);
            console.info("release v" + plan.version() + (plan.previous().map(p -> " (previous: v" + p + ")").orElse("")));
            if (dryRun) {
                console.info("every check passed");
                cut.pipeline(plan).dryRun(true).run();
                return 0;
            }
            cut.execute(plan);
            console.success("released v" + plan.version() + ": pushed v" + plan.version()
                    + "; the release workflow takes it from here");
            return 0;
        }
    }

    @Command(name = "rollback", description = {"Go back to the previous version, or VERSION, and verify it.",
            "The previous version is the one .previous-tag on the host records (the tag before the last deploy).",
            "--restore-db first puts back the database backup migrate took before the last migrations (the newest in"
                    + " data.dir/backups), with the API stopped; it asks on a terminal, or needs --yes, and refuses when"
                    + " another version migrated or deployed since, unless --force. The replaced database is kept beside"
                    + " the backups."})
    static class Rollback implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "VERSION", description = "The version to go back to (default: the previous one).")
        String version;

        @Option(names = "--restore-db", description = "Also put back the database backup taken before the last migrations.")
        boolean restoreDb;

        @Option(names = "--yes", description = "Do not ask before replacing the database (--restore-db).")
        boolean yes;

        @Option(names = "--force", description = "Restore the backup even when another version wrote to the database since.")
        boolean force;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            if ((yes || force) && !restoreDb) {
                throw MonetException.usage((yes ? "--yes" : "--force") + " goes with --restore-db");
            }
            ReleaseContext ctx = target.context(version);
            Stages stages = new Stages(ctx, Set.of());
            if (restoreDb && !target.dryRun()) {
                stages.restoreDbCheck(force).lines().forEach(Console.get()::info);
                if (!yes && !confirmed("Replace the database with this backup? What was written since is kept aside, not"
                        + " served. [y/N] ")) {
                    Console.get().warn("not restored: nothing was changed");
                    return 1;
                }
            }
            stages.rollbackPipeline(version == null ? "" : version, restoreDb, force).run();
            return 0;
        }

        /** Asks on the terminal; without one, --yes is needed. */
        private static boolean confirmed(String question) {
            java.io.Console terminal = System.console();
            boolean interactive = terminal != null;
            try { // Java 22+: a console also exists when nothing is a terminal
                interactive = interactive && (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(terminal);
            } catch (ReflectiveOperationException olderJava) {
                // Java 17-21: a console exists only on a terminal
            }
            if (!interactive) {
                throw MonetException.usage("--restore-db replaces the database: confirm with --yes (there is no terminal to"
                        + " ask on)");
            }
            String answer = terminal.readLine("%s", question);
            return answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Command(name = "status", description = {"What runs where.",
            "The image tag, the previous tag, the lock holder, the last audit lines, the containers, and what the"
                    + " site answers."})
    static class Status implements Callable<Integer> {
        @Mixin
        Target target;

        @Override
        public Integer call() throws Exception {
            ReleaseContext ctx = target.context(null);
            Stages stages = new Stages(ctx, Set.of());
            if (target.dryRun()) {
                Console.get().out(stages.describeHost("status", ctx.scripts().deployStatus(10)));
                return 0;
            }
            stages.status().lines().forEach(Console.get()::out);
            return 0;
        }
    }

    @Command(name = "lock", description = {"Take the deploy lock and keep it.",
            "Deploys, migrations and rollbacks refuse until 'unlock'; shows the holder and the time."})
    static class Lock implements Callable<Integer> {
        @Option(names = "--reason", defaultValue = "maintenance", description = "Why (shown to whoever finds it held).")
        String reason;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            ReleaseContext ctx = target.context(null);
            Stages stages = new Stages(ctx, Set.of());
            Console.get().out(target.dryRun() ? stages.describeHost("lock", ctx.scripts().lock(reason)) : stages.lock(reason).strip());
            return 0;
        }
    }

    @Command(name = "unlock", description = {"Release the deploy lock.",
            "Only the holder's own lock, unless --force, which breaks anyone's (a stale lock left by a killed"
                    + " deploy). Both are recorded in the audit log. --release-done ends a release as verify does:"
                    + " it gives back only this caller's own release lock, never anyone else's nor a manual one."})
    static class Unlock implements Callable<Integer> {
        @Option(names = "--force", description = "Break the lock whoever holds it.")
        boolean force;

        @Option(names = "--release-done", description = {"Give back only this caller's release lock (the same workflow"
                + " run, or user@host), as the end of verify does; any other lock, a manual one included, stays. For a"
                + " release that ended before verify could (the workflow's step when a run is cancelled)."})
        boolean releaseDone;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            if (force && releaseDone) {
                throw MonetException.usage("--force breaks anyone's lock, --release-done gives back only this release's: give one");
            }
            ReleaseContext ctx = target.context(null);
            Stages stages = new Stages(ctx, Set.of());
            HostScript script = releaseDone ? ctx.scripts().releaseDone() : ctx.scripts().unlock(force);
            Console.get().out(target.dryRun() ? stages.describeHost("unlock", script)
                    : (releaseDone ? stages.releaseDone() : stages.unlock(force)).strip());
            return 0;
        }
    }

    @Command(name = "summary", description = {"Write the release's closing summary for GitHub Actions.",
            "The version, the commit its tag points to (not GITHUB_SHA: in a run started by hand that is the head of"
                    + " the branch) and how to roll back, as Markdown appended to the step summary (GITHUB_STEP_SUMMARY),"
                    + " or printed outside Actions. The release workflow's last step runs it whatever happened before;"
                    + " it touches no host and needs no credentials."})
    static class SummaryCommand implements Callable<Integer> {
        @Mixin
        ConfigOptions config;

        @Option(names = "--version", paramLabel = "X.Y.Z",
                description = "The version released (default: MONET_RELEASE_VERSION, the tag being built, or a vX.Y.Z tag at HEAD).")
        String version;

        @Override
        public Integer call() {
            // No host: the version and the commit come from the repository and the environment.
            ReleaseContext ctx = new ReleaseContext(config.config(), Path.of("").toAbsolutePath(), false, version, null);
            String markdown = "### Release v" + ctx.version().version() + "\n\nCommit `" + ctx.commit() + "`. Each stage's table is"
                    + " above. Roll back by hand with `./jbang release rollback`.\n";
            if (!Console.get().appendSummary(markdown)) {
                markdown.lines().forEach(Console.get()::out);
            }
            return 0;
        }
    }
}

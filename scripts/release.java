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
import java.util.List;
import java.util.concurrent.Callable;
import monet.MonetException;
import monet.cli.Cli;
import monet.cli.HelpOption;
import monet.cli.ConfigCommand;
import monet.cli.ConfigOptions;
import monet.cli.HostOptions;
import monet.console.Console;
import monet.host.HostTarget;
import monet.release.Cut;
import monet.release.ReleaseContext;
import monet.release.Stages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "release",
        description = {"Cut, build, publish, deploy, verify and roll back releases of Code Monet.",
                "",
                "A release: 'release cut 1.4.0' (or --bump) tags main; the workflow on the tag then runs one stage"
                        + " per step: e2e, build-web, sync-web, images, migrate, github-release, deploy, verify, cleanup"
                        + " ('release pipeline' runs them all; e2e, build-web and images side by side).",
                "",
                "The version comes from --version, MONET_RELEASE_VERSION, the tag GitHub Actions builds, or a vX.Y.Z"
                        + " tag at HEAD; a --dry-run without one derives it from CHANGELOG.md and says so. A --dry-run"
                        + " prints every step and exactly what it would run, and needs no credentials, no AWS and no network."},
        subcommands = {release.CutCommand.class, release.E2e.class, release.BuildWeb.class, release.SyncWeb.class,
                release.Images.class, release.Migrate.class, release.GithubRelease.class, release.Deploy.class,
                release.Verify.class, release.Cleanup.class, release.PipelineCommand.class, release.Rollback.class,
                release.Status.class, release.Lock.class, release.Unlock.class, monet.infra.GitHubSecretsCommand.class,
                ConfigCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure (a stage failed; the message says what was rolled back)", "2:usage error"})
class release implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    public static void main(String... args) {
        Cli.main(new release(), args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
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
            return new ReleaseContext(config.config(), Path.of("").toAbsolutePath(), System.getenv(), host.dryRun(), version,
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

        int run(String title, List<String> stages, boolean requireE2e, boolean noRollback) {
            ReleaseContext ctx = target.context(version);
            ReleaseContext.ResolvedVersion v = ctx.version();
            Console.get().info("version " + v.version() + " (" + v.source() + ")");
            new Stages(ctx, new Stages.Options(requireE2e, noRollback)).pipeline(title, stages).run();
            return 0;
        }
    }

    /** A command that runs one stage. */
    abstract static class StageCommand implements Callable<Integer> {
        @Mixin
        Common common;

        abstract String stage();

        boolean requireE2e() {
            return false;
        }

        boolean noRollback() {
            return false;
        }

        @Override
        public Integer call() {
            return common.run("release " + stage(), List.of(stage()), requireE2e(), noRollback());
        }
    }

    @Command(name = "e2e", description = {"Run the E2E SDK tests with their secret.",
            "Runs e2e.command from the repository root with the variable e2e.secret names (ANTHROPIC_API_KEY);"
                    + " without it the stage is skipped with a warning, unless --require-e2e."})
    static class E2e extends StageCommand {
        @Option(names = "--require-e2e", description = "Fail instead of skipping when the secret is absent.")
        boolean require;

        String stage() {
            return "e2e";
        }

        @Override
        boolean requireE2e() {
            return require;
        }
    }

    @Command(name = "build-web", description = {"Build the web frontend and stamp its version.",
            "npm ci and web.build in web.dir, then version.txt with the version in web.dist."})
    static class BuildWeb extends StageCommand {
        String stage() {
            return "build-web";
        }
    }

    @Command(name = "sync-web", description = {"Sync the built frontend to the deploy bucket's web/ prefix.",
            "With delete; only new and changed files are uploaded (size and MD5 against the ETag), with content"
                    + " types, a year's immutable cache for content-hashed assets and no-cache for the rest."})
    static class SyncWeb extends StageCommand {
        String stage() {
            return "sync-web";
        }
    }

    @Command(name = "images", description = {"Build and push the backend and SSR images.",
            "Both builds at once (tags VERSION and latest; build args VERSION, COMMIT, BUILD_TIME), ECR login"
                    + " through the SDK (password on stdin), then the pushes."})
    static class Images extends StageCommand {
        String stage() {
            return "images";
        }
    }

    @Command(name = "migrate", description = {"Run the database migrations on the instance.",
            "Pulls the new API image and runs app.migrate in a one-off container; the app's secrets are read"
                    + " there from Parameter Store (app.parameters) and passed by name only."})
    static class Migrate extends StageCommand {
        String stage() {
            return "migrate";
        }
    }

    @Command(name = "github-release", description = {"Create or update the GitHub release of the tag.",
            "Through GITHUB_API_URL with GITHUB_TOKEN: the image references and the version's changelog notes"
                    + " (or the commits since the previous tag); a prerelease when the version has a '-'. Rerunning"
                    + " updates it."})
    static class GithubRelease extends StageCommand {
        String stage() {
            return "github-release";
        }
    }

    @Command(name = "deploy", description = {"Deploy the version on the instance.",
            "Takes the deploy lock, syncs config and web from the deploy bucket, sets IMAGE_TAG and ECR_REGISTRY"
                    + " in .env, logs in to ECR, pulls, compose up -d, records the previous tag, appends an audit"
                    + " line and releases the lock."})
    static class Deploy extends StageCommand {
        String stage() {
            return "deploy";
        }
    }

    @Command(name = "verify", description = {"Check the site serves the version; roll back if not.",
            "Polls /api/version for the version and /ssr-health for healthy with backoff for verify.timeout"
                    + " seconds; on failure prints both answers and rolls back, unless --no-rollback."})
    static class Verify extends StageCommand {
        @Option(names = "--no-rollback", description = "On failure, leave the new version deployed.")
        boolean noRollbackFlag;

        String stage() {
            return "verify";
        }

        @Override
        boolean noRollback() {
            return noRollbackFlag;
        }
    }

    @Command(name = "cleanup", description = {"Prune old images on the instance, in the background.",
            "Removes the registry's images other than the current, previous and latest tags, then dangling ones."})
    static class Cleanup extends StageCommand {
        String stage() {
            return "cleanup";
        }
    }

    @Command(name = "pipeline",
            description = {"Run the stages as one pipeline.",
                    "e2e, build-web and images in parallel, then sync-web, migrate, github-release, deploy, verify"
                            + " (rolls back on failure) and cleanup."})
    static class PipelineCommand implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--from", paramLabel = "STAGE", description = "Start at this stage.")
        String from;

        @Option(names = "--only", paramLabel = "STAGE", split = ",", description = "Run only these stages (repeatable, or comma-separated).")
        List<String> only = new ArrayList<>();

        @Option(names = "--require-e2e", description = "Fail e2e instead of skipping it when its secret is absent.")
        boolean requireE2e;

        @Option(names = "--no-rollback", description = "Let verify fail without rolling back.")
        boolean noRollback;

        @Override
        public Integer call() {
            return common.run("release pipeline", Stages.select(from, only), requireE2e, noRollback);
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
            Cut cut = new Cut(Path.of("").toAbsolutePath(), config.config().get("release.branch"), remote, console);
            Cut.Plan plan = cut.preflight(version, bump);
            console.info("release v" + plan.version() + (plan.previous().map(p -> " (previous: v" + p + ")").orElse("")));
            if (dryRun) {
                console.info("dry run: every check passed; the cut would:");
                plan.steps().forEach(step -> console.out("  " + step));
                return 0;
            }
            cut.execute(plan);
            console.success("released v" + plan.version() + ": pushed v" + plan.version()
                    + "; the release workflow takes it from here");
            return 0;
        }
    }

    @Command(name = "rollback", description = {"Go back to the previous version, or VERSION, and verify it.",
            "The previous version is the one .previous-tag on the host records (the tag before the last deploy)."})
    static class Rollback implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "VERSION", description = "The version to go back to (default: the previous one).")
        String version;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            ReleaseContext ctx = target.context(version);
            new Stages(ctx, new Stages.Options(false, true)).rollbackPipeline(version == null ? "" : version).run();
            return 0;
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
            Stages stages = new Stages(ctx, new Stages.Options(false, true));
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
            Stages stages = new Stages(ctx, new Stages.Options(false, true));
            Console.get().out(target.dryRun() ? stages.describeHost("lock", ctx.scripts().lock(reason)) : stages.lock(reason).strip());
            return 0;
        }
    }

    @Command(name = "unlock", description = {"Release the deploy lock.",
            "Only the holder's own lock, unless --force, which breaks anyone's (a stale lock left by a killed"
                    + " deploy). Both are recorded in the audit log."})
    static class Unlock implements Callable<Integer> {
        @Option(names = "--force", description = "Break the lock whoever holds it.")
        boolean force;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            ReleaseContext ctx = target.context(null);
            Stages stages = new Stages(ctx, new Stages.Options(false, true));
            Console.get().out(target.dryRun() ? stages.describeHost("unlock", ctx.scripts().unlock(force)) : stages.unlock(force).strip());
            return 0;
        }
    }
}

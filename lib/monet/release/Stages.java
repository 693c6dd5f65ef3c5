package monet.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import monet.MonetException;
import monet.changelog.Changelog;
import monet.changelog.Version;
import monet.config.Environment;
import monet.config.Keys;
import monet.host.HostScript;
import monet.pipeline.Backoff;
import monet.pipeline.Pipeline;
import monet.pipeline.Step;
import monet.pipeline.StepContext;
import monet.release.Stage.Switch;
import monet.pipeline.WaitTimeoutException;
import monet.process.Cmd;

/**
 * The release's stages: their declarations ({@link #ALL}, in an order their graph allows) and
 * their steps for one release. {@code release pipeline} is {@link #pipeline}: the stages level by
 * level ({@link Stage#levels}), those of a level side by side; {@code release STAGE} is the same
 * pipeline with one stage selected, so a stage run alone (as each job of release.yml does) still
 * has the rollbacks of the stages before it armed: a failed verify rolls back the deploy.
 */
public final class Stages {
    /** Every stage, declared once. */
    public static final List<Stage> ALL = List.of(
            new Stage("e2e", "Run the E2E SDK tests with their secret.",
                    "Runs e2e.command from the repository root with the variable e2e.secret names (ANTHROPIC_API_KEY);"
                            + " without it the stage is skipped with a warning, unless --require-e2e.",
                    List.of(), Set.of(Switch.REQUIRE_E2E), Stages::e2e),
            new Stage("build-web", "Build the web frontend and stamp its version.",
                    "npm ci and web.build in web.dir, then version.txt with the version in web.dist.",
                    List.of(), Set.of(), Stages::buildWeb),
            new Stage("images", "Build the backend and SSR images (pushed by push-images).",
                    "Both builds at once, beside e2e (tags VERSION and latest; build args image.build-args, by default"
                            + " VERSION, COMMIT, BUILD_TIME); nothing leaves this machine until push-images.",
                    List.of(), Set.of(), Stages::images),
            new Stage("sync-web", "Sync the built frontend to the deploy bucket's web/ prefix.",
                    "With delete; only new and changed files are uploaded (size and MD5 against the ETag), with content"
                            + " types, a year's immutable cache for content-hashed assets and no-cache for the rest; then"
                            + " the server's compose file and nginx.conf, with ssr.health-path written into both, to its config/ prefix.",
                    List.of("e2e", "build-web"), Set.of(), Stages::syncWeb),
            new Stage("push-images", "Push both images once e2e passed.",
                    "ECR login through the SDK (password on stdin), then the version and latest tags of both images at"
                            + " once: a failed e2e leaves the registry as it was.",
                    List.of("e2e", "images"), Set.of(), Stages::pushImages),
            new Stage("migrate", "Run the database migrations on the instance.",
                    "Under the deploy lock, pulls the new API image and runs app.migrate in a one-off container; the"
                            + " app's secrets are read there from Parameter Store (app.parameters) and passed by name only.",
                    List.of("push-images"), Set.of(), Stages::migrate),
            new Stage("deploy", "Deploy the version on the instance.",
                    "Under the release's deploy lock (taken by its first host stage, given back when verify ends),"
                            + " refuses unless data.dir is a mount point, fetches the bucket's config and web into a new release"
                            + " directory, pulls, tests its nginx.conf with nginx -t, starts the new version of each deploy.overlap"
                            + " service beside the live one until it passes its health check (deploy.overlap-timeout), bridges the"
                            + " live release's assets, switches site/current and IMAGE_TAG, compose up -d, reloads nginx, removes"
                            + " the stand-ins once the new containers are healthy, records the previous tag, audits and"
                            + " prunes old releases. Its rollback, when verify fails: the previous release (images, web files and"
                            + " config), verified.",
                    List.of("sync-web", "migrate"), Set.of(), Stages::deploy),
            new Stage("verify", "Check the site serves the version; roll back if not.",
                    "Polls /api/version for the version and /ssr-health for a 200 whose body matches verify.ssr-healthy with backoff for verify.timeout"
                            + " seconds; on failure prints both answers and rolls the deploy back, unless --no-rollback."
                            + " Once it passes, the deploy stands. Then the release's deploy lock is given back.",
                    List.of("deploy"), Set.of(Switch.NO_ROLLBACK), Stages::verify),
            new Stage("github-release", "Publish the GitHub release of the tag, as the latest, once verify passed.",
                    "Through GITHUB_API_URL with GITHUB_TOKEN: the image references and the version's changelog notes"
                            + " (or the commits since the previous tag); a prerelease when the version has a '-', else marked"
                            + " latest. Rerunning updates it. A rollback later says so on it and makes the version it went"
                            + " back to the latest.",
                    List.of("verify"), Set.of(), Stages::githubRelease),
            new Stage("cleanup", "Prune old images on the instance.",
                    "Removes the registry's images other than the current, previous and latest tags, then dangling ones;"
                            + " fails naming any image docker refused to remove (a container still uses it). The release stands.",
                    List.of("verify"), Set.of(), Stages::cleanup));
    private static final Duration HOST_TIMEOUT = Duration.ofMinutes(15);

    private final ReleaseContext ctx;
    private final Set<Switch> switches;
    private final Host host;

    /** The stages of one release, with the switches given on the command line. */
    public Stages(ReleaseContext ctx, Set<Switch> switches) {
        this.ctx = ctx;
        this.switches = Set.copyOf(switches);
        this.host = new Host(ctx);
    }

    /** Every stage, level by level, the stages of a level side by side: narrow it with {@link Pipeline#only}. */
    public Pipeline pipeline(String title) {
        Pipeline pipeline = Pipeline.named(title).dryRun(ctx.dryRun());
        for (List<Stage> level : Stage.levels(ALL)) {
            Step[] steps = level.stream().map(stage -> stage.step().apply(this)).toArray(Step[]::new);
            pipeline = steps.length == 1 ? pipeline.step(steps[0])
                    : pipeline.parallel(String.join(" + ", level.stream().map(Stage::name).toList()), steps);
        }
        return pipeline;
    }

    private String version() {
        return ctx.version().version().toString();
    }

    private Step e2e() {
        String secret = ctx.config().get(Keys.E2E_SECRET);
        String command = ctx.config().get(Keys.E2E_COMMAND);
        return Step.named("e2e")
                .describe(() -> "$ " + Cmd.shell(command).render() + "   (in " + ctx.repo() + ", with " + secret + "; "
                        + (switches.contains(Switch.REQUIRE_E2E) ? "fails" : "skipped with a warning") + " when " + secret + " is not set)")
                .action(step -> {
                    String value = ctx.config().variableNamedBy(Keys.E2E_SECRET);
                    if (value.isEmpty()) {
                        if (switches.contains(Switch.REQUIRE_E2E)) {
                            throw new MonetException("the E2E tests need " + secret + ", which is not set (--require-e2e)");
                        }
                        step.skip("E2E tests not run: " + secret + " is not set (--require-e2e makes this a failure)");
                    }
                    ctx.shell(command).dir(ctx.repo()).secretEnv(secret, value).timeout(Duration.ofMinutes(30))
                            .onStdout(line -> step.console().info("  " + line))
                            .onStderr(line -> step.console().info("  " + line)).run();
                });
    }

    private Path webDir() {
        return ctx.repo().resolve(ctx.config().get(Keys.WEB_DIR));
    }

    private Path serverDir() {
        return ctx.repo().resolve(ctx.config().get(Keys.SERVER_DIR));
    }

    private Path dist() {
        return webDir().resolve(ctx.config().get(Keys.WEB_DIST));
    }

    private Step buildWeb() {
        Cmd install = ctx.cmd("npm", "ci").dir(webDir()).timeout(Duration.ofMinutes(15));
        Cmd build = ctx.shell(ctx.config().get(Keys.WEB_BUILD)).dir(webDir()).timeout(Duration.ofMinutes(15));
        return Step.named("build-web")
                .describe(() -> "in " + webDir() + ":\n       $ " + install.render() + "\n       $ " + build.render()
                        + "\n       write " + dist().resolve("version.txt") + " = " + version())
                .action(step -> {
                    install.onStderr(line -> step.console().info("  " + line)).run();
                    build.onStdout(line -> step.console().info("  " + line)).onStderr(line -> step.console().info("  " + line)).run();
                    if (!Files.isDirectory(dist())) {
                        throw new MonetException("the build did not produce " + dist() + " (web.build = '"
                                + ctx.config().get(Keys.WEB_BUILD) + "', web.dist = '" + ctx.config().get(Keys.WEB_DIST) + "')");
                    }
                    Files.writeString(dist().resolve("version.txt"), version() + "\n", StandardCharsets.UTF_8);
                    step.note(dist().toString());
                });
    }

    private Step syncWeb() {
        return Step.named("sync-web")
                .describe(() -> "sync " + dist() + " to s3://" + bucketOrPlaceholder() + "/web/ (AWS SDK): upload new"
                        + " and changed files (size + MD5/ETag), delete the rest, Content-Type by extension,"
                        + " Cache-Control '" + WebSync.IMMUTABLE + "' for hashed assets and '" + WebSync.NO_CACHE + "' otherwise;"
                        + " then " + serverDir() + " (the server's compose file and nginx.conf, with the SSR health path "
                        + ctx.config().get(Keys.SSR_HEALTH_PATH) + " written into both) to s3://" + bucketOrPlaceholder()
                        + "/config/, which deploy syncs onto the host")
                .action(step -> {
                    Path versionFile = dist().resolve("version.txt");
                    if (!Files.isRegularFile(versionFile)) {
                        throw new MonetException(dist() + " has no version.txt: run 'release build-web' first");
                    }
                    String built = Files.readString(versionFile).strip();
                    if (!built.equals(version())) {
                        throw new MonetException(dist() + " was built for " + built + ", not " + version()
                                + ": run 'release build-web' again");
                    }
                    WebSync.Result result = new WebSync(ctx.s3(), ctx.config().require(Keys.DEPLOY_BUCKET), "web/").sync(dist());
                    step.note(result.toString());
                    step.console().info("  web/: " + result);
                    if (Files.isDirectory(serverDir())) {
                        Path rendered = Files.createTempDirectory("monet-server-files");
                        try {
                            ServerFiles.render(serverDir(), ctx.config().get(Keys.APP_COMPOSE_FILE),
                                    ctx.config().get(Keys.SSR_HEALTH_PATH), rendered);
                            WebSync.Result config = new WebSync(ctx.s3(), ctx.config().require(Keys.DEPLOY_BUCKET), "config/")
                                    .sync(rendered);
                            step.console().info("  config/: " + config);
                        } finally {
                            deleteTree(rendered);
                        }
                    } else {
                        step.console().warn(serverDir() + " does not exist: config/ in the bucket is left as it is");
                    }
                });
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private String bucketOrPlaceholder() {
        String bucket = ctx.config().get(Keys.DEPLOY_BUCKET);
        return bucket.isEmpty() ? "<deploy.bucket is not set>" : bucket;
    }

    private Step images() {
        Images images = new Images(ctx);
        return Step.named("images")
                .describe(images::describeBuild)
                .action(step -> step.note(String.join(", ", images.build()) + " built here, not pushed"));
    }

    private Step pushImages() {
        Images images = new Images(ctx);
        return Step.named("push-images")
                .describe(images::describePush)
                .action(step -> {
                    List<String> refs = images.push();
                    step.output("backend-image", refs.get(0));
                    step.output("ssr-image", refs.get(1));
                    step.note(String.join(", ", refs));
                });
    }

    private Step migrate() {
        return Step.named("migrate")
                .describe(() -> host.describe("pull the new API image and run the migrations in a one-off container",
                        ctx.scripts().migrate(version(), ctx.registry())))
                .action(step -> host.run("migrate " + version(), ctx.scripts().migrate(version(), ctx.registry()), HOST_TIMEOUT));
    }

    private Step githubRelease() {
        String api = apiUrl();
        String repository = ctx.config().get(Keys.GITHUB_REPOSITORY);
        return Step.named("github-release")
                .describe(() -> "create or update the GitHub release of " + tag() + " in " + repository + " through " + api
                        + " (GITHUB_TOKEN): prerelease=" + ctx.version().version().isPrerelease()
                        + ", body = the image references and CHANGELOG.md's notes for " + version()
                        + " (or the commits since the previous tag)")
                .action(step -> {
                    String token = ctx.config().get(Environment.GITHUB_TOKEN);
                    if (token.isEmpty()) {
                        throw new MonetException("GITHUB_TOKEN is not set: the release needs a token with contents: write");
                    }
                    GitHubRelease.Result result = new GitHubRelease(api, repository, token)
                            .publish(tag(), tag(), releaseBody(), ctx.version().version().isPrerelease());
                    step.note(result.action() + " " + result.url());
                    step.output("release-url", result.url());
                });
    }

    private String apiUrl() {
        String api = ctx.config().get(Environment.GITHUB_API_URL);
        return api.isEmpty() ? "https://api.github.com" : api;
    }

    private String tag() {
        return "v" + ctx.version().version();
    }

    /** The release notes: image references, then the changelog's section (or the commits since the previous tag). */
    String releaseBody() throws IOException {
        StringBuilder body = new StringBuilder("## Images\n\n");
        for (Images.Image image : Images.of(ctx.config())) {
            body.append("- `").append(image.ref(ctx.registry(), version())).append("`\n");
        }
        body.append("\n## Changes\n\n").append(notes()).append('\n');
        return body.toString();
    }

    private String notes() {
        Path file = ctx.repo().resolve("CHANGELOG.md");
        Optional<String> fromChangelog = Files.isRegularFile(file)
                ? notesOf(Changelog.read(file), version()).filter(n -> !n.isBlank()) : Optional.empty();
        if (fromChangelog.isPresent()) {
            return fromChangelog.get();
        }
        Git git = new Git(ctx.repo());
        String end = git.ok("rev-parse", "--verify", "--quiet", "refs/tags/" + tag()) ? tag() : "HEAD";
        Optional<Version> previous = git.out("tag", "--list", "v*").lines().map(Version::tryParse).filter(Objects::nonNull)
                .filter(v -> v.compareTo(ctx.version().version()) < 0).max(Version::compareTo);
        String range = previous.map(p -> "v" + p + ".." + end).orElse(end);
        String log = git.out("log", "--no-merges", "--format=- %s (%h)", range);
        return log.isEmpty() ? "(no changes recorded)" : log;
    }

    private static Optional<String> notesOf(Changelog changelog, String version) {
        return changelog.find(version).map(release -> changelog.notes(version).strip());
    }

    private Step deploy() {
        Step deploy = Step.named("deploy")
                .describe(() -> host.describe("deploy " + version(), ctx.scripts().deploy(version(), ctx.registry(), ctx.bucket())))
                .action(step -> {
                    Map<String, String> result = host.run("deploy " + version(),
                            ctx.scripts().deploy(version(), ctx.registry(), ctx.bucket()), HOST_TIMEOUT);
                    String previous = result.getOrDefault("previous", "");
                    step.note(previous.isEmpty() ? "first deploy" : "previous: " + previous);
                });
        if (switches.contains(Switch.NO_ROLLBACK)) {
            return deploy;
        }
        return deploy.rollback("roll back to the previous IMAGE_TAG (.previous-tag on the host) and verify that version",
                step -> step.note("now " + rollBack("", "a stage after deploy failed; rolled back automatically", step)
                        + ", serving and healthy"));
    }

    private Verifier verifier() {
        return new Verifier(ctx.config().get(Keys.SITE_URL), ctx.config().get(Keys.VERIFY_TIMEOUT),
                Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(15)), ctx.config().get(Keys.VERIFY_SSR_HEALTHY));
    }

    /** A point of no return: once the site serves the version, the deploy stands. */
    private Step verify() {
        return Step.named("verify")
                .describe(() -> verifier().describe(version()) + (switches.contains(Switch.NO_ROLLBACK)
                        ? "; --no-rollback: on failure the version stays deployed" : "; on failure print both answers")
                        + "; then give back the release's deploy lock on " + ctx.host().description())
                .action(step -> {
                    try {
                        step.note(verifier().await(version()));
                        releaseDone(step);
                    } catch (WaitTimeoutException failed) {
                        if (switches.contains(Switch.NO_ROLLBACK)) {
                            releaseDone(step);
                        }
                        throw new MonetException("verification of " + version() + " failed: " + failed.getMessage()
                                + (switches.contains(Switch.NO_ROLLBACK) ? "\n(--no-rollback: " + version() + " stays deployed)"
                                : ""), failed);
                    }
                })
                .commits();
    }

    /**
     * Rolls back to the given version (or the recorded previous one) and verifies it; returns the
     * version. When that fails, says where to look and what to run.
     */
    private String rollBack(String versionOrEmpty, String why, StepContext step) throws Exception {
        try {
            Map<String, String> result = host.run("rollback", ctx.scripts().rollback(versionOrEmpty), HOST_TIMEOUT);
            String target = result.getOrDefault("rolled-back-to", versionOrEmpty);
            String from = result.getOrDefault("from", "");
            step.console().info("rolled back to " + target + " (from " + (from.isEmpty() ? "?" : from) + "); verifying it");
            verifier().await(target);
            if (!from.isEmpty() && !from.equals("none") && !from.equals(target)) {
                markRolledBack(from, target, why, step);
            }
            return target;
        } finally {
            releaseDone(step);
        }
    }

    /**
     * The end of the release (verify or its rollback done): its deploy lock, held since its
     * first host stage, is given back. A failure here is only a warning: the lock names this
     * release, its next run takes it over, and 'release unlock' ends it.
     */
    private void releaseDone(StepContext step) {
        try {
            step.console().info("  " + host.runForOutput("release the deploy lock", ctx.scripts().releaseDone()).strip());
        } catch (RuntimeException e) {
            step.console().warn("the deploy lock could not be given back: " + e.getMessage() + " (release unlock ends it)");
        }
    }

    /**
     * After a failed pipeline: the release is over (each failed host stage put the old version
     * back, and the rollbacks have run), so its lock, if it took one, is given back; a lock of
     * anyone else, or a manual one, stays.
     */
    public void endFailedRelease() {
        if (ctx.dryRun()) {
            return;
        }
        try {
            String answer = host.runForOutput("release the deploy lock", ctx.scripts().releaseDone()).strip();
            if (answer.startsWith("released")) {
                ctx.console().info(answer);
            }
        } catch (RuntimeException e) {
            ctx.console().warn("the deploy lock could not be given back: " + e.getMessage() + " (release unlock ends it)");
        }
    }

    /** Says on the GitHub release of {@code from} that the site went back to {@code target}; the rollback stands either way. */
    private void markRolledBack(String from, String target, String why, StepContext step) {
        String fromTag = "v" + from.replaceFirst("^v", "");
        String token = ctx.config().get(Environment.GITHUB_TOKEN);
        if (token.isEmpty()) {
            step.console().warn("GITHUB_TOKEN is not set: the GitHub release of " + fromTag + ", if any, does not say it was"
                    + " rolled back");
            return;
        }
        try {
            String done = new GitHubRelease(apiUrl(), ctx.config().get(Keys.GITHUB_REPOSITORY), token)
                    .rolledBack(fromTag, "v" + target.replaceFirst("^v", ""), why + " (" + Instant.now()
                            .truncatedTo(ChronoUnit.SECONDS) + ", " + ctx.who() + ")");
            step.console().info(done);
        } catch (Exception e) {
            step.console().warn("the GitHub release of " + fromTag + " does not say it was rolled back: " + e.getMessage());
        }
    }

    /** {@code release rollback [VERSION]}: a pipeline of one step that rolls back and verifies. */
    public Pipeline rollbackPipeline(String versionOrEmpty) {
        return rollbackPipeline(versionOrEmpty, false, false);
    }

    /**
     * {@code release rollback [VERSION] [--restore-db [--force]]}: with {@code restoreDb}, first
     * the newest pre-migration backup back into the database (the API stopped meanwhile), then
     * the rollback, which starts the version that fits it, verified.
     */
    public Pipeline rollbackPipeline(String versionOrEmpty, boolean restoreDb, boolean force) {
        String target = versionOrEmpty.isEmpty() ? "" : Version.parse(versionOrEmpty).toString();
        Pipeline pipeline = Pipeline.named("release rollback").dryRun(ctx.dryRun());
        AtomicReference<Map<String, String>> restored = new AtomicReference<>(Map.of());
        if (restoreDb) {
            pipeline = pipeline.step(Step.named("restore-db")
                    .describe(() -> host.describe("put the newest pre-migration backup back into the database"
                            + (force ? " (--force: even when another version wrote to it since)" : ""),
                            ctx.scripts().restoreDb(false, force)))
                    .action(step -> {
                        Map<String, String> result = host.run("restore-db", ctx.scripts().restoreDb(false, force), HOST_TIMEOUT);
                        restored.set(result);
                        step.note("restored " + result.getOrDefault("restored", "?") + " (the replaced database kept as "
                                + result.getOrDefault("kept", "?") + ")");
                    })
                    .rollback("while the version the backup preceded still runs (the rollback did not go through), put the"
                            + " replaced database back and verify that version", step -> {
                        Map<String, String> result = restored.get();
                        String version = result.getOrDefault("for", "");
                        host.run("restore-db undo", ctx.scripts().undoRestoreDb(result.getOrDefault("kept", ""), version),
                                HOST_TIMEOUT);
                        verifier().await(version);
                        step.note("the database is as it was before the restore; " + version + " serving and healthy");
                    }));
        }
        return pipeline.step(Step.named("rollback")
                .describe(() -> host.describe("roll back to " + (target.isEmpty() ? "the previous version" : target),
                        ctx.scripts().rollback(target)) + "\n     then " + verifier().describe(
                                target.isEmpty() ? "that version" : target))
                .action(step -> step.note("now " + rollBack(target, "release rollback" + (restoreDb ? " --restore-db" : ""), step))));
    }

    /** Which backup {@code rollback --restore-db} would put back, and whether it would be refused (an exception); changes nothing. */
    public String restoreDbCheck(boolean force) {
        return host.runForOutput("restore-db check", ctx.scripts().restoreDb(true, force));
    }

    private Step cleanup() {
        return Step.named("cleanup")
                .describe(() -> host.describe("prune old images", ctx.scripts().cleanup()))
                .action(step -> host.run("cleanup", ctx.scripts().cleanup(), Duration.ofMinutes(2)));
    }

    /** {@code release status}: what the host runs, its lock and last audit lines, and what the site reports. */
    public String status() throws InterruptedException {
        String site = ctx.config().get(Keys.SITE_URL);
        return "instance: " + ctx.host().description() + "\n" + host.runForOutput("status", ctx.scripts().deployStatus(10))
                + "--- site " + site + "\n" + verifier().snapshot() + "\n";
    }

    /** {@code release lock}: takes the deploy lock and keeps it. */
    public String lock(String reason) {
        return host.runForOutput("lock", ctx.scripts().lock(reason));
    }

    /** {@code release unlock --release-done}: gives back this caller's own release lock only; says what it found. */
    public String releaseDone() {
        return host.runForOutput("release the deploy lock", ctx.scripts().releaseDone());
    }

    /** {@code release unlock}: releases it (anyone's with {@code force}). */
    public String unlock(boolean force) {
        return host.runForOutput("unlock", ctx.scripts().unlock(force));
    }

    /** What a dry run of a host command prints. */
    public String describeHost(String what, HostScript script) {
        return host.describe(what, script);
    }
}

package monet.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import monet.MonetException;
import monet.changelog.Changelog;
import monet.changelog.Version;
import monet.host.HostScript;
import monet.pipeline.Backoff;
import monet.pipeline.Pipeline;
import monet.pipeline.Step;
import monet.pipeline.StepContext;
import monet.pipeline.WaitTimeoutException;
import monet.process.Cmd;

/**
 * The release's stages as pipeline steps, and the pipeline that runs them: e2e, build-web and
 * images run in parallel (they need nothing from each other), then sync-web, migrate,
 * github-release, deploy, verify (which rolls back on failure) and cleanup.
 */
public final class Stages {
    /** Every stage, in pipeline order. */
    public static final List<String> NAMES = List.of("e2e", "build-web", "sync-web", "images", "migrate",
            "github-release", "deploy", "verify", "cleanup");
    /** The stages that run side by side in a full pipeline. */
    public static final List<String> PARALLEL = List.of("e2e", "build-web", "images");
    private static final Duration HOST_TIMEOUT = Duration.ofMinutes(15);

    /**
     * Switches.
     *
     * @param requireE2e fail e2e instead of skipping it when its secret is absent
     * @param noRollback let verify fail without rolling back
     */
    public record Options(boolean requireE2e, boolean noRollback) {}

    private final ReleaseContext ctx;
    private final Options options;
    private final Host host;

    public Stages(ReleaseContext ctx, Options options) {
        this.ctx = ctx;
        this.options = options;
        this.host = new Host(ctx);
    }

    /** The stage names {@code --from} and {@code --only} leave, in order. */
    public static List<String> select(String from, List<String> only) {
        for (String name : only) {
            check(name);
        }
        List<String> selected = new ArrayList<>(NAMES);
        if (from != null) {
            check(from);
            selected = new ArrayList<>(NAMES.subList(NAMES.indexOf(from), NAMES.size()));
        }
        if (!only.isEmpty()) {
            selected.retainAll(only);
        }
        return selected;
    }

    private static void check(String name) {
        if (!NAMES.contains(name)) {
            throw MonetException.usage("no stage '" + name + "'; the stages are: " + String.join(", ", NAMES));
        }
    }

    /** A pipeline of the given stages (in pipeline order); the parallel ones grouped as "build". */
    public Pipeline pipeline(String title, List<String> names) {
        Pipeline pipeline = Pipeline.named(title).dryRun(ctx.dryRun());
        List<String> together = PARALLEL.stream().filter(names::contains).toList();
        boolean grouped = together.size() > 1;
        for (String name : NAMES) {
            if (!names.contains(name)) {
                continue;
            }
            if (grouped && together.contains(name)) {
                if (name.equals(together.get(0))) {
                    pipeline.parallel("build", together.stream().map(this::step).toArray(Step[]::new));
                }
                continue;
            }
            pipeline.step(step(name));
        }
        return pipeline;
    }

    /** One stage as a step. */
    public Step step(String name) {
        switch (name) {
            case "e2e": return e2e();
            case "build-web": return buildWeb();
            case "sync-web": return syncWeb();
            case "images": return images();
            case "migrate": return migrate();
            case "github-release": return githubRelease();
            case "deploy": return deploy();
            case "verify": return verify();
            case "cleanup": return cleanup();
            default: check(name); throw new IllegalStateException(name);
        }
    }

    private String version() {
        return ctx.version().version().toString();
    }

    private Step e2e() {
        String secret = ctx.config().get("e2e.secret");
        String command = ctx.config().get("e2e.command");
        return Step.named("e2e")
                .describe(() -> "$ " + Cmd.shell(command).render() + "   (in " + ctx.repo() + ", with " + secret + "; "
                        + (options.requireE2e() ? "fails" : "skipped with a warning") + " when " + secret + " is not set)")
                .action(step -> {
                    String value = ctx.env(secret);
                    if (value.isEmpty()) {
                        if (options.requireE2e()) {
                            throw new MonetException("the E2E tests need " + secret + ", which is not set (--require-e2e)");
                        }
                        step.skip("E2E tests not run: " + secret + " is not set (--require-e2e makes this a failure)");
                    }
                    step.run(ctx.shell(command).dir(ctx.repo()).secretEnv(secret, value).timeout(Duration.ofMinutes(30))
                            .onStdout(line -> step.console().info("  " + line))
                            .onStderr(line -> step.console().info("  " + line)));
                });
    }

    private Path webDir() {
        return ctx.repo().resolve(ctx.config().get("web.dir"));
    }

    private Path serverDir() {
        return ctx.repo().resolve(ctx.config().get("server.dir"));
    }

    private Path dist() {
        return webDir().resolve(ctx.config().get("web.dist"));
    }

    private Step buildWeb() {
        Cmd install = ctx.cmd("npm", "ci").dir(webDir()).timeout(Duration.ofMinutes(15));
        Cmd build = ctx.shell(ctx.config().get("web.build")).dir(webDir()).timeout(Duration.ofMinutes(15));
        return Step.named("build-web")
                .describe(() -> "in " + webDir() + ":\n       $ " + install.render() + "\n       $ " + build.render()
                        + "\n       write " + dist().resolve("version.txt") + " = " + version())
                .action(step -> {
                    step.run(install.onStderr(line -> step.console().info("  " + line)));
                    step.run(build.onStdout(line -> step.console().info("  " + line))
                            .onStderr(line -> step.console().info("  " + line)));
                    if (!Files.isDirectory(dist())) {
                        throw new MonetException("the build did not produce " + dist() + " (web.build = '"
                                + ctx.config().get("web.build") + "', web.dist = '" + ctx.config().get("web.dist") + "')");
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
                        + " then " + serverDir() + " (the server's compose file and nginx.conf) to s3://" + bucketOrPlaceholder()
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
                    WebSync.Result result = new WebSync(ctx.s3(), ctx.config().require("deploy.bucket"), "web/").sync(dist());
                    step.note(result.toString());
                    step.console().info("  web/: " + result);
                    if (Files.isDirectory(serverDir())) {
                        WebSync.Result config = new WebSync(ctx.s3(), ctx.config().require("deploy.bucket"), "config/")
                                .sync(serverDir());
                        step.console().info("  config/: " + config);
                    } else {
                        step.console().warn(serverDir() + " does not exist: config/ in the bucket is left as it is");
                    }
                });
    }

    private String bucketOrPlaceholder() {
        String bucket = ctx.config().get("deploy.bucket");
        return bucket.isEmpty() ? "<deploy.bucket is not set>" : bucket;
    }

    private Step images() {
        Images images = new Images(ctx);
        return Step.named("images")
                .describe(images::describe)
                .action(step -> {
                    List<String> refs = images.buildAndPush();
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
        String repository = ctx.config().get("github.repository");
        return Step.named("github-release")
                .describe(() -> "create or update the GitHub release of " + tag() + " in " + repository + " through " + api
                        + " (GITHUB_TOKEN): prerelease=" + ctx.version().version().isPrerelease()
                        + ", body = the image references and CHANGELOG.md's notes for " + version()
                        + " (or the commits since the previous tag)")
                .action(step -> {
                    String token = ctx.env("GITHUB_TOKEN");
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
        String api = ctx.env("GITHUB_API_URL");
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
        return Step.named("deploy")
                .describe(() -> host.describe("deploy " + version(), ctx.scripts().deploy(version(), ctx.registry(), ctx.bucket())))
                .action(step -> {
                    Map<String, String> result = host.run("deploy " + version(),
                            ctx.scripts().deploy(version(), ctx.registry(), ctx.bucket()), HOST_TIMEOUT);
                    String previous = result.getOrDefault("previous", "");
                    step.note(previous.isEmpty() ? "first deploy" : "previous: " + previous);
                });
    }

    private Verifier verifier() {
        return new Verifier(ctx.config().get("site.url"),
                Duration.ofSeconds(Long.parseLong(ctx.config().get("verify.timeout").strip())),
                Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(15)));
    }

    private Step verify() {
        return Step.named("verify")
                .describe(() -> verifier().describe(version()) + (options.noRollback() ? "; --no-rollback: no rollback"
                        : ";\n     on failure print both answers, roll back to the previous IMAGE_TAG (.previous-tag on the host)"
                                + " and verify that version"))
                .action(step -> {
                    try {
                        step.note(verifier().await(version()));
                    } catch (WaitTimeoutException failed) {
                        if (options.noRollback()) {
                            throw new MonetException("verification of " + version() + " failed: " + failed.getMessage()
                                    + "\n(--no-rollback: " + version() + " stays deployed)", failed);
                        }
                        step.console().error("verify", "verification of " + version() + " failed: " + failed.getMessage()
                                + "\nrolling back");
                        String restored;
                        try {
                            restored = rollBack("", step);
                        } catch (Exception rollbackFailed) {
                            throw new MonetException("verification of " + version() + " failed: " + failed.getMessage()
                                    + "\nand the ROLLBACK FAILED too: " + rollbackFailed.getMessage()
                                    + "\n(see 'release status'; roll back by hand with 'release rollback VERSION')", rollbackFailed);
                        }
                        throw new MonetException("verification of " + version() + " failed: " + failed.getMessage()
                                + "\nROLLED BACK to " + restored + ", which is serving and healthy", failed);
                    }
                });
    }

    /** Rolls back to the given version (or the recorded previous one) and verifies it; returns the version. */
    String rollBack(String versionOrEmpty, StepContext step) throws Exception {
        Map<String, String> result = host.run("rollback", ctx.scripts().rollback(versionOrEmpty), HOST_TIMEOUT);
        String target = result.getOrDefault("rolled-back-to", versionOrEmpty);
        step.console().info("rolled back to " + target + " (from " + result.getOrDefault("from", "?") + "); verifying it");
        verifier().await(target);
        return target;
    }

    /** {@code release rollback [VERSION]}: a pipeline of one step that rolls back and verifies. */
    public Pipeline rollbackPipeline(String versionOrEmpty) {
        String target = versionOrEmpty.isEmpty() ? "" : Version.parse(versionOrEmpty).toString();
        return Pipeline.named("release rollback").dryRun(ctx.dryRun())
                .step(Step.named("rollback")
                        .describe(() -> host.describe("roll back to " + (target.isEmpty() ? "the previous version" : target),
                                ctx.scripts().rollback(target)) + "\n     then " + verifier().describe(
                                        target.isEmpty() ? "that version" : target))
                        .action(step -> step.note("now " + rollBack(target, step))));
    }

    private Step cleanup() {
        return Step.named("cleanup")
                .describe(() -> host.describe("prune old images in the background", ctx.scripts().cleanup()))
                .action(step -> host.run("cleanup", ctx.scripts().cleanup(), Duration.ofMinutes(2)));
    }

    /** {@code release status}: what the host runs, its lock and last audit lines, and what the site reports. */
    public String status() throws InterruptedException {
        String site = ctx.config().get("site.url");
        return "instance: " + ctx.host().description() + "\n" + host.runForOutput("status", ctx.scripts().deployStatus(10))
                + "--- site " + site + "\n" + verifier().snapshot() + "\n";
    }

    /** {@code release lock}: takes the deploy lock and keeps it. */
    public String lock(String reason) {
        return host.runForOutput("lock", ctx.scripts().lock(reason));
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

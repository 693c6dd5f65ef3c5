package monet.release;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import monet.MonetException;
import monet.changelog.Bump;
import monet.changelog.Changelog;
import monet.changelog.Problem;
import monet.changelog.Release;
import monet.changelog.Version;
import monet.console.Console;
import monet.pipeline.Pipeline;
import monet.pipeline.PipelineException;
import monet.pipeline.Step;
import monet.process.CmdException;

/**
 * {@code release cut}: checks everything first, then, as a pipeline, moves [Unreleased] to the
 * version, commits {@code Release vX}, tags {@code vX} (annotated) and pushes branch and tag in
 * one atomic push. Each change has its rollback, so when anything fails after the first one the
 * repository is put back exactly as it was: the tag deleted, the branch reset to the commit it
 * was on, the changelog restored; then the repository itself is checked.
 */
public final class Cut {
    private final Git git;
    private final String branch;
    private final String remote;
    private final Console console;

    public Cut(Path repo, String branch, String remote, Console console) {
        this.git = new Git(repo);
        this.branch = branch;
        this.remote = remote;
        this.console = console;
    }

    /** What each step of the cut was doing, for the message when it fails. */
    private static final Map<String, String> DOING = Map.of("changelog", "editing CHANGELOG.md", "commit", "committing",
            "tag", "tagging", "push", "pushing");

    /**
     * What a cut will do, once every check passed.
     *
     * @param version  the version to release
     * @param previous the latest tag before it, if any
     * @param head     the commit the branch is on now
     */
    public record Plan(Version version, Optional<Version> previous, String head) {}

    /**
     * Checks that a cut can go ahead: on the branch, clean tree, up to date with the remote
     * (fetched first), [Unreleased] not empty, the changelog lints, the version SemVer, greater
     * than the last tag and not taken. Every refusal is a {@link MonetException} that says what
     * to do about it.
     *
     * @param requested the version asked for, or null to use {@code bump}
     * @param bump      major, minor, patch or auto; used when {@code requested} is null
     */
    public Plan preflight(String requested, String bump) {
        if (!git.ok("rev-parse", "--git-dir")) {
            throw refuse(git.dir() + " is not a git repository");
        }
        String current = git.maybe("symbolic-ref", "--quiet", "--short", "HEAD").orElse("(detached HEAD)");
        if (!current.equals(branch)) {
            throw refuse("releases are cut from '" + branch + "', but " + current + " is checked out: git checkout " + branch);
        }
        String dirty = git.out("status", "--porcelain", "--untracked-files=normal");
        if (!dirty.isEmpty()) {
            throw refuse("the working tree has changes; commit or stash them first:\n" + dirty);
        }
        console.info("fetching " + remote + " ...");
        try {
            git.run("fetch", "--quiet", "--tags", remote, branch);
        } catch (CmdException e) {
            throw refuse("cannot fetch '" + branch + "' from " + remote + ": " + e.getMessage());
        }
        String head = git.out("rev-parse", "HEAD");
        String upstream = git.out("rev-parse", remote + "/" + branch);
        if (!head.equals(upstream)) {
            String[] counts = git.out("rev-list", "--left-right", "--count", "HEAD..." + remote + "/" + branch).split("\\s+");
            throw refuse(branch + " is not up to date with " + remote + "/" + branch + " (" + counts[0] + " ahead, "
                    + counts[1] + " behind): " + (Integer.parseInt(counts[1]) > 0 ? "git pull --ff-only" : "push or reset it")
                    + " first");
        }
        Path file = git.dir().resolve("CHANGELOG.md");
        if (!Files.isRegularFile(file)) {
            throw refuse("no CHANGELOG.md in " + git.dir());
        }
        Changelog changelog = Changelog.read(file);
        List<String> problems = changelog.lint().stream().filter(Problem::isError).map(p -> p.format("CHANGELOG.md")).toList();
        if (!problems.isEmpty()) {
            throw refuse("CHANGELOG.md does not pass lint:\n" + String.join("\n", problems));
        }
        if (changelog.unreleased().map(Release::isEmpty).orElse(true)) {
            throw refuse("[Unreleased] in CHANGELOG.md is empty: there is nothing to release"
                    + " (add entries with ./jbang changelog add)");
        }
        Version version = requested != null ? Version.parse(requested) : changelog.nextVersion(Bump.parse(bump));
        Optional<Version> previous = git.latestTag();
        if (previous.isPresent() && version.compareTo(previous.get()) <= 0) {
            throw refuse("version " + version + " is not greater than the latest tag " + "v" + previous.get());
        }
        if (changelog.highestVersion().isPresent() && version.compareTo(changelog.highestVersion().get()) <= 0) {
            throw refuse("version " + version + " is not greater than " + changelog.highestVersion().get()
                    + ", the latest in CHANGELOG.md");
        }
        String tag = "v" + version;
        if (git.ok("rev-parse", "--verify", "--quiet", "refs/tags/" + tag)) {
            throw refuse("tag " + tag + " already exists");
        }
        if (!git.out("ls-remote", "--tags", remote, "refs/tags/" + tag).isEmpty()) {
            throw refuse("tag " + tag + " already exists on " + remote);
        }
        return new Plan(version, previous, head);
    }

    /** The cut as a pipeline: each change with the rollback that undoes it. */
    public Pipeline pipeline(Plan plan) {
        String tag = "v" + plan.version();
        Path file = git.dir().resolve("CHANGELOG.md");
        return Pipeline.named("release cut " + tag)
                .step(Step.named("changelog")
                        .describe(() -> "move [Unreleased] in CHANGELOG.md to ## [" + plan.version() + "] - " + LocalDate.now())
                        .action(step -> Changelog.read(file).release(plan.version(), LocalDate.now()).write(file))
                        .rollback("put CHANGELOG.md back", step -> git.run("checkout", plan.head(), "--", "CHANGELOG.md")))
                .step(Step.named("commit")
                        .describe(() -> git.cmd("commit", "-m", "Release " + tag, "--", "CHANGELOG.md").render())
                        .action(step -> git.run("commit", "--quiet", "-m", "Release " + tag, "--", "CHANGELOG.md"))
                        .rollback("reset " + branch + " to " + abbreviated(plan),
                                step -> git.run("reset", "--quiet", "--hard", plan.head())))
                .step(Step.named("tag")
                        .describe(() -> git.cmd("tag", "-a", tag, "-m", "Release " + tag).render())
                        .action(step -> git.run("tag", "-a", tag, "-m", "Release " + tag))
                        .rollback("delete the tag " + tag, step -> git.run("tag", "-d", tag)))
                .step(Step.named("push")
                        .describe(() -> git.cmd("push", "--atomic", remote, branch, tag).render())
                        .action(step -> git.run("push", "--atomic", "--quiet", remote, branch, tag)));
    }

    private static String abbreviated(Plan plan) {
        return plan.head().substring(0, 12);
    }

    /** Carries out a plan; on failure, after the rollbacks, throws a message that says what failed and how the repository is. */
    public void execute(Plan plan) {
        try {
            pipeline(plan).run();
        } catch (PipelineException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new MonetException("release v" + plan.version() + " failed while " + DOING.get(e.failedStep()) + ": "
                    + cause.getMessage() + "\n" + state(plan), e);
        }
    }

    /** Whether the repository is back as it was, checked from outside: branch, tag, working tree. */
    private String state(Plan plan) {
        String tag = "v" + plan.version();
        List<String> problems = new ArrayList<>();
        if (git.ok("rev-parse", "--verify", "--quiet", "refs/tags/" + tag)) {
            problems.add("the tag " + tag + " is still there");
        }
        if (!git.out("rev-parse", "HEAD").equals(plan.head())) {
            problems.add(branch + " is not at " + abbreviated(plan));
        }
        if (!git.out("status", "--porcelain", "--untracked-files=no").isEmpty()) {
            problems.add("the working tree has changes");
        }
        return problems.isEmpty()
                ? "the repository is back as it was: " + branch + " at " + abbreviated(plan) + ", no tag " + tag
                : "RESTORE INCOMPLETE: " + String.join("; ", problems) + " (check git status and git tag)";
    }

    private static MonetException refuse(String message) {
        return new MonetException("cannot cut a release: " + message);
    }
}

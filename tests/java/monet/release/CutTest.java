package monet.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import monet.MonetException;
import monet.changelog.Version;
import monet.console.Console;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.testing.JBang;
import monet.testing.Repo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code release cut} on real repositories with a bare origin: the cut, every refusal, and the restore. */
class CutTest {
    static final String CHANGELOG = "# Changelog\n\nAll notable changes.\n\n## [Unreleased]\n\n### Added\n\n- Watercolours.\n\n"
            + "## [1.0.0] - 2026-10-01\n\n### Added\n\n- First release.\n\n"
            + "[unreleased]: https://github.com/o/app/compare/v1.0.0...HEAD\n"
            + "[1.0.0]: https://github.com/o/app/releases/tag/v1.0.0\n";

    @TempDir
    Path tmp;
    Path origin;
    Path work;

    static CmdResult git(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        return Cmd.of(argv).dir(dir).run();
    }

    static String out(Path dir, String... args) {
        return git(dir, args).out();
    }

    @BeforeEach
    void setUp() throws Exception {
        origin = tmp.resolve("origin.git");
        git(tmp, "init", "-q", "--bare", "-b", "main", origin.toString());
        work = tmp.resolve("work");
        git(tmp, "clone", "-q", origin.toString(), work.toString());
        identity(work);
        Files.writeString(work.resolve("CHANGELOG.md"), CHANGELOG);
        Files.writeString(work.resolve("app.py"), "print('monet')\n");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "first");
        git(work, "tag", "-a", "v1.0.0", "-m", "Release v1.0.0");
        git(work, "push", "-q", "origin", "main", "v1.0.0");
    }

    static void identity(Path repo) {
        git(repo, "config", "user.name", "Releaser");
        git(repo, "config", "user.email", "releaser@example.com");
    }

    private Cut cut() {
        return new Cut(work, "main", "origin", Console.get());
    }

    /** Everything a refusal or a restore must leave as it was. */
    private record State(String head, String status, String tags, String originMain, String originTags, String changelog) {}

    private State state() throws Exception {
        return new State(out(work, "rev-parse", "HEAD"), out(work, "status", "--porcelain"), out(work, "tag", "--list"),
                out(origin, "rev-parse", "main"), out(origin, "tag", "--list"), Files.readString(work.resolve("CHANGELOG.md")));
    }

    private void refuses(String version, String bump, String message) throws Exception {
        State before = state();
        assertThatThrownBy(() -> cut().preflight(version, bump)).isInstanceOf(MonetException.class)
                .hasMessageContaining(message);
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void cutsCommitsTagsAndPushesAtomically() throws Exception {
        Cut cut = cut();
        Cut.Plan plan = cut.preflight("1.1.0", null);
        assertThat(plan.previous()).contains(Version.parse("1.0.0"));
        cut.execute(plan);

        String changelog = Files.readString(work.resolve("CHANGELOG.md"));
        assertThat(changelog).contains("## [Unreleased]\n\n## [1.1.0] - " + LocalDate.now() + "\n\n### Added\n\n- Watercolours.\n")
                .contains("[unreleased]: https://github.com/o/app/compare/v1.1.0...HEAD\n"
                        + "[1.1.0]: https://github.com/o/app/compare/v1.0.0...v1.1.0\n");
        assertThat(out(origin, "log", "-1", "--format=%s", "main")).isEqualTo("Release v1.1.0");
        assertThat(out(origin, "cat-file", "-t", "v1.1.0")).isEqualTo("tag");
        assertThat(out(origin, "rev-parse", "v1.1.0^{commit}")).isEqualTo(out(origin, "rev-parse", "main"));
        assertThat(out(work, "status", "--porcelain")).isEmpty();
        assertThat(out(work, "show", "--stat", "--format=", "HEAD")).contains("CHANGELOG.md").doesNotContain("app.py");
    }

    @Test
    void bumpAutoReadsTheUnreleasedSections() throws Exception {
        assertThat(cut().preflight(null, "auto").version()).hasToString("1.1.0");
        assertThat(cut().preflight(null, "patch").version()).hasToString("1.0.1");
        assertThat(cut().preflight(null, "major").version()).hasToString("2.0.0");
        Files.writeString(work.resolve("CHANGELOG.md"), CHANGELOG.replace("### Added\n\n- Watercolours.", "### Changed\n\n- New API."));
        git(work, "commit", "-q", "-am", "changed");
        git(work, "push", "-q", "origin", "main");
        assertThat(cut().preflight(null, "auto").version()).hasToString("2.0.0");
    }

    @Test
    void refusesOffTheReleaseBranch() throws Exception {
        git(work, "checkout", "-q", "-b", "feature");
        refuses("1.1.0", null, "releases are cut from 'main', but feature is checked out");
    }

    @Test
    void refusesADirtyTree() throws Exception {
        Files.writeString(work.resolve("app.py"), "changed\n");
        refuses("1.1.0", null, "the working tree has changes");
        Files.writeString(work.resolve("app.py"), "print('monet')\n");
        Files.writeString(work.resolve("notes.txt"), "untracked\n");
        refuses("1.1.0", null, "?? notes.txt");
    }

    @Test
    void refusesWhenBehindOrAheadOfOrigin() throws Exception {
        Path other = tmp.resolve("other");
        git(tmp, "clone", "-q", origin.toString(), other.toString());
        identity(other);
        Files.writeString(other.resolve("app.py"), "print('other')\n");
        git(other, "commit", "-q", "-am", "someone else's change");
        git(other, "push", "-q", "origin", "main");
        refuses("1.1.0", null, "main is not up to date with origin/main (0 ahead, 1 behind): git pull --ff-only first");

        git(work, "pull", "-q", "--ff-only");
        Files.writeString(work.resolve("app.py"), "print('mine')\n");
        git(work, "commit", "-q", "-am", "unpushed");
        refuses("1.1.0", null, "(1 ahead, 0 behind)");
    }

    @Test
    void refusesAnEmptyUnreleasedSection() throws Exception {
        Files.writeString(work.resolve("CHANGELOG.md"), CHANGELOG.replace("### Added\n\n- Watercolours.\n\n", ""));
        git(work, "commit", "-q", "-am", "empty");
        git(work, "push", "-q", "origin", "main");
        refuses("1.1.0", null, "[Unreleased] in CHANGELOG.md is empty");
    }

    @Test
    void refusesAChangelogThatFailsLint() throws Exception {
        Files.writeString(work.resolve("CHANGELOG.md"), CHANGELOG.replace("## [1.0.0] - 2026-10-01", "## [1.0] - 2026-10-01"));
        git(work, "commit", "-q", "-am", "bad heading");
        git(work, "push", "-q", "origin", "main");
        refuses("1.1.0", null, "CHANGELOG.md does not pass lint");
    }

    @Test
    void refusesABadOrOldVersion() throws Exception {
        refuses("1.2", null, "'1.2' is not a SemVer version");
        refuses("1.0.0", null, "version 1.0.0 is not greater than the latest tag v1.0.0");
        refuses("0.9.0", null, "not greater than the latest tag v1.0.0");
        refuses("1.0.0-rc.1", null, "not greater than the latest tag v1.0.0");
    }

    @Test
    void refusesAVersionTakenOnTheRemote() throws Exception {
        Path other = tmp.resolve("other");
        git(tmp, "clone", "-q", origin.toString(), other.toString());
        identity(other);
        git(other, "tag", "-a", "v1.1.0", "-m", "someone else's");
        git(other, "push", "-q", "origin", "v1.1.0");
        State before = state();
        assertThatThrownBy(() -> cut().preflight("1.1.0", null)).hasMessageContaining("not greater than the latest tag v1.1.0");
        assertThat(state().head()).isEqualTo(before.head());
    }

    private void hook(Path repo, String name, String script) throws Exception {
        Path hook = repo.resolve("hooks/" + name);
        Files.writeString(hook, "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void rejectedPushRestores(String expected) throws Exception {
        State before = state();
        Cut cut = cut();
        Cut.Plan plan = cut.preflight("1.1.0", null);

        assertThatThrownBy(() -> cut.execute(plan)).isInstanceOf(MonetException.class)
                .hasMessageContaining("release v1.1.0 failed while pushing")
                .hasMessageContaining(expected)
                .hasMessageContaining("the repository is back as it was: main at " + before.head().substring(0, 12) + ", no tag v1.1.0");

        assertThat(state()).isEqualTo(before);
    }

    @Test
    void aTagRejectedByTheServerPushesNeitherBranchNorTagAndRestoresEverything() throws Exception {
        // The update hook judges each ref alone: only the atomic push keeps main from landing without its tag.
        hook(origin, "update", "case $1 in refs/tags/*) echo \"tags are protected\" >&2; exit 1 ;; esac\n");
        rejectedPushRestores("tags are protected");
    }

    @Test
    void aPushRejectedByAPreReceiveHookRestoresEverything() throws Exception {
        hook(origin, "pre-receive", "echo 'the repository is frozen' >&2\nexit 1\n");
        rejectedPushRestores("the repository is frozen");
    }

    @Test
    void aFailedCommitRestoresTheChangelog() throws Exception {
        hook(work.resolve(".git"), "pre-commit", "echo 'commits are frozen' >&2\nexit 1\n");
        State before = state();
        Cut cut = cut();
        Cut.Plan plan = cut.preflight("1.1.0", null);

        assertThatThrownBy(() -> cut.execute(plan)).hasMessageContaining("failed while committing")
                .hasMessageContaining("commits are frozen").hasMessageContaining("back as it was");

        assertThat(state()).isEqualTo(before);
    }

    @Test
    void throughTheRealScriptDryRunThenCut() throws Exception {
        String script = Repo.file("scripts/release.java").toString();
        State before = state();

        CmdResult dry = JBang.run(script, "cut", "--bump", "auto", "--dry-run").in(work).call();
        assertThat(dry.exitCode()).as(dry.stderr()).isZero();
        assertThat(dry.stdout()).contains("git commit -m 'Release v1.1.0' -- CHANGELOG.md", "git push --atomic origin main v1.1.0");
        assertThat(state()).isEqualTo(before);

        CmdResult usage = JBang.run(script, "cut").in(work).call();
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.stderr()).contains("give either VERSION or --bump");

        CmdResult refused = JBang.run(script, "cut", "1.0.0").in(work).call();
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr()).contains("error: cannot cut a release: version 1.0.0 is not greater than the latest tag v1.0.0");

        CmdResult real = JBang.run(script, "cut", "1.1.0").in(work).call();
        assertThat(real.exitCode()).as(real.stderr()).isZero();
        assertThat(real.stderr()).contains("released v1.1.0");
        assertThat(out(origin, "tag", "--list")).contains("v1.1.0");
    }
}

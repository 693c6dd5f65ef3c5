package monet.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import monet.process.CmdResult;
import monet.testing.JBang;
import monet.testing.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code ./jbang changelog} on temporary files: output, exit codes, and files left untouched on refusal. */
class ChangelogScriptTest {
    @TempDir
    Path dir;

    private Path copy(String fixture) throws Exception {
        Path file = dir.resolve(fixture);
        Files.write(file, Fixtures.bytes(fixture));
        return file;
    }

    private static CmdResult run(String... args) {
        return JBang.run(prepend("changelog", args)).call();
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    void helpListsEveryCommand() {
        CmdResult help = run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("lint", "add", "release", "notes", "show", "-f, --file=FILE").doesNotContain("not built yet");
        CmdResult release = run("release", "--help");
        assertThat(release.stdout()).contains("--bump", "--date=YYYY-MM-DD", "0.x rules (auto)", "Removed or Changed -> major",
                "own heading", "the version below it");
        CmdResult lint = run("lint", "--help");
        assertThat(lint.stdout()).as("the choices made, and why").contains("[YANKED]", "maintenance", "level");
    }

    @Test
    void aReleaseWrittenAtTheWrongLevelIsFoundEverywhere() throws Exception {
        Path file = copy("invalid-heading-levels.md");
        CmdResult lint = run("lint", file.toString());
        assertThat(lint.exitCode()).isEqualTo(1);
        assertThat(lint.stdout()).isEqualTo(file + ":17:1: release heading at level 1: write '## [1.0.0] - 2024-01-01' [heading-level]\n"
                + file + ":24:1: release heading at level 3: write '## [0.9.0] - 2023-12-01' [heading-level]\n");
        CmdResult notes = run("notes", "1.0.0", "-f", file.toString());
        assertThat(notes.exitCode()).as(notes.stderr()).isZero();
        assertThat(notes.stdout()).isEqualTo("### Added\n\n- Brushes: round, flat and fan.\n- Export as PNG.\n");
        CmdResult show = run("show", "-f", file.toString());
        assertThat(show.stdout()).contains("1.0.0  2024-01-01\n  Added\n    - Brushes: round, flat and fan.\n");
        Path loose = copy("invalid-entries-outside-sections.md");
        assertThat(run("show", "-f", loose.toString()).stdout()).contains("3.0.0  2024-04-01\n  (outside any section)\n"
                + "    - Requests go over HTTP/2 when the server offers it.\n");
    }

    @Test
    void lintReportsProblemsWithLinesAndExitsOne() throws Exception {
        Path bad = copy("invalid-everything.md");
        CmdResult result = run("lint", bad.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).contains(bad + ":5:5: unknown section type 'Fix' (did you mean 'Fixed'?) [section-type]\n",
                bad + ":11:14: '2024-13-45' is not a valid ISO date (YYYY-MM-DD) [section-type]".replace("[section-type]", "[date]"));
        assertThat(result.stderr()).contains("14 errors, 1 warning in 1 file");
        CmdResult json = run("lint", "--json", "-f", bad.toString());
        assertThat(json.exitCode()).isEqualTo(1);
        assertThat(json.stdout()).startsWith("{\"errors\":14,\"warnings\":1,\"problems\":[{\"file\":\"" + bad + "\",\"line\":1,");
        Path yanked = copy("yanked.md");
        CmdResult warnings = JBang.run("changelog", "lint", yanked.toString()).env("MONET_CONSOLE", "github").call();
        assertThat(warnings.exitCode()).as("warnings alone pass").isZero();
        assertThat(warnings.stdout()).contains(yanked + ":22:25: warning: write the yanked mark as '[YANKED]' [yanked]");
        assertThat(warnings.stderr()).contains("::warning file=" + yanked + ",line=22,col=25,title=changelog yanked::");
    }

    @Test
    void theProjectsOwnChangelogPassesLint() {
        CmdResult result = JBang.run("changelog", "lint").in(Repo.root()).call();
        assertThat(result.stdout()).isEmpty();
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void addReleaseAndNotesOnARealFile() throws Exception {
        Path file = copy("crlf.md");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        CmdResult add = run("add", "security", "Escape", "gallery", "titles.", "-f", file.toString());
        assertThat(add.exitCode()).as(add.stderr()).isZero();
        CmdResult release = run("-f", file.toString(), "release", "--bump", "auto", "--date", "2025-02-03");
        assertThat(release.exitCode()).as(release.stderr()).isZero();
        assertThat(release.stdout()).isEqualTo("1.2.0\n");
        String text = Files.readString(file);
        assertThat(text).contains("## [Unreleased]\r\n\r\n## [1.2.0] - 2025-02-03\r\n",
                "### Security\r\n\r\n- Escape gallery titles.\r\n",
                "[unreleased]: https://github.com/example/easel/compare/v1.2.0...HEAD\r\n"
                        + "[1.2.0]: https://github.com/example/easel/compare/v1.1.0...v1.2.0\r\n");
        assertThat(text.replace("\r\n", "")).doesNotContain("\n");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
        CmdResult notes = run("notes", "1.2.0", "-f", file.toString());
        assertThat(notes.exitCode()).isZero();
        assertThat(notes.stdout()).isEqualTo("### Added\r\n\r\n- Export of sketches as SVG.\r\n\r\n### Fixed\r\n\r\n"
                + "- Crash when the canvas is empty.\r\n\r\n### Security\r\n\r\n- Escape gallery titles.\r\n");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void notesPrintUnicodeBytesExactly() throws Exception {
        Path file = copy("unicode.md");
        CmdResult notes = JBang.run("changelog", "notes", "unreleased", "-f", file.toString()).env("LC_ALL", "C").call();
        assertThat(notes.exitCode()).isZero();
        assertThat(notes.stdout()).isEqualTo("### Added\n\n- Übersetzung ins Deutsche: „Pinsel“ und „Leinwand“ 🎨\n- 日本語のメニュー（ベータ）\n");
        CmdResult absent = run("notes", "9.9.9", "-f", file.toString());
        assertThat(absent.exitCode()).isEqualTo(1);
        assertThat(absent.stderr()).contains("no release '9.9.9'");
        assertThat(absent.stdout()).isEmpty();
    }

    @Test
    void refusalsLeaveTheFileUntouched() throws Exception {
        Path file = copy("no-trailing-newline.md");
        byte[] before = Files.readAllBytes(file);
        assertRefused(run("release", "1.1.0", "-f", file.toString()), 1, "version 1.1.0 already exists (line 18)");
        assertRefused(run("release", "1.2", "-f", file.toString()), 2, "'1.2' is not a SemVer version");
        assertRefused(run("add", "fixd", "x", "-f", file.toString()), 2, "did you mean 'fixed'?");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        Path empty = copy("yanked.md");
        assertRefused(run("release", "--bump", "patch", "-f", empty.toString()), 1, "[Unreleased] (line 8) has no entries: nothing to release");
        assertThat(Files.readAllBytes(empty)).isEqualTo(Fixtures.bytes("yanked.md"));
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary files left").hasSize(2);
        }
    }

    private static void assertRefused(CmdResult result, int exitCode, String message) {
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(exitCode);
        assertThat(result.stderr()).contains(message);
    }

    @Test
    void addCreatesAMissingFileAndReleaseUsesTheGitRemote() throws Exception {
        Path file = dir.resolve("CHANGELOG.md");
        monet.process.Cmd.of("git", "init", "-q", dir.toString()).run();
        monet.process.Cmd.of("git", "-C", dir.toString(), "remote", "add", "origin", "git@github.com:example/fresh.git").run();
        String script = Repo.file("scripts/changelog.java").toString();
        CmdResult add = JBang.run(script, "add", "added", "First feature.").in(dir).call();
        assertThat(add.exitCode()).as(add.stderr()).isZero();
        CmdResult release = JBang.run(script, "release", "--bump", "auto").in(dir).call();
        assertThat(release.exitCode()).as(release.stderr()).isZero();
        assertThat(release.stdout()).isEqualTo("0.1.0\n");
        assertThat(Files.readString(file)).contains("## [0.1.0] - " + LocalDate.now() + "\n\n### Added\n\n- First feature.\n")
                .endsWith("\n\n[unreleased]: https://github.com/example/fresh/compare/v0.1.0...HEAD\n"
                        + "[0.1.0]: https://github.com/example/fresh/releases/tag/v0.1.0\n");
    }

    @Test
    void showAsTextAndJson() throws Exception {
        Path file = copy("yanked.md");
        CmdResult text = run("show", "-f", file.toString());
        assertThat(text.exitCode()).isZero();
        assertThat(text.stdout()).startsWith("Unreleased\n1.3.1  2024-05-02\n  Fixed\n    - The real fix.\n1.3.0  2024-05-01  [YANKED]\n");
        CmdResult json = run("show", "--json", "-f", file.toString());
        assertThat(json.stdout()).startsWith("{\"file\":\"" + file + "\",\"title\":\"Changelog\",\"releases\":[{\"label\":\"Unreleased\"");
        assertThat(new String(json.stdout().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).contains("\"yanked\":true");
    }
}

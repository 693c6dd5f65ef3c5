package monet.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import monet.testing.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One test per lint rule: the rule fires on a file that breaks it, with line and column, and not on a good one. */
class LintTest {
    private static final String HEAD = "# Changelog\n\n## [Unreleased]\n\n";
    private static final String GOOD = HEAD + "## [1.1.0] - 2024-02-01\n\n### Added\n\n- b\n\n## [1.0.0] - 2024-01-01\n\n### Added\n\n- a\n";

    private static List<String> lint(String text) {
        return Changelog.parse(text).lint().stream().map(p -> p.format("F")).toList();
    }

    @Test
    void aGoodFileHasNoProblems() {
        assertThat(lint(GOOD)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("monet.changelog.Fixtures#valid")
    void everyValidFixtureHasNoErrors(String name) {
        assertThat(Fixtures.parse(name).lint()).filteredOn(Problem::isError).isEmpty();
    }

    @Test
    void theProjectsOwnChangelogPasses() {
        LintReport report = LintReport.of(List.of(Repo.file("CHANGELOG.md")));
        assertThat(report.lines(true)).isEmpty();
        assertThat(report.errors()).isZero();
    }

    @Test
    void title() {
        assertThat(lint(GOOD.replace("# Changelog\n", "Changelog\n")))
                .containsExactly("F:1:1: missing title: start the file with a '# Changelog' heading [title]");
    }

    @Test
    void unreleasedMissingMisplacedOrTwice() {
        assertThat(lint(GOOD.replace("## [Unreleased]\n\n", ""))).containsExactly(
                "F:3:1: missing '## [Unreleased]' section (where changes wait for the next release) [unreleased]");
        assertThat(lint(GOOD.replace("## [Unreleased]\n\n", "") + "\n## [Unreleased]\n")).containsExactly(
                "F:15:5: [Unreleased] must come before every released version [unreleased]");
        assertThat(lint(GOOD + "\n## Unreleased\n")).containsExactly(
                "F:17:4: second [Unreleased] section (the first is at line 3) [unreleased]");
        assertThat(lint(GOOD.replace("## [Unreleased]", "## [Unreleased] - 2024-03-01"))).containsExactly(
                "F:3:19: warning: [Unreleased] has a date; it gets one when released [unreleased-date]");
    }

    @Test
    void semver() {
        assertThat(lint(GOOD.replace("[1.0.0]", "[1.0]"))).containsExactly(
                "F:11:5: '1.0' is not a SemVer version (MAJOR.MINOR.PATCH, e.g. 1.4.0) [semver]");
        assertThat(lint(GOOD.replace("## [1.0.0]", "## Version one"))).contains(
                "F:11:4: 'Version' is not a SemVer version (MAJOR.MINOR.PATCH, e.g. 1.4.0) [semver]");
    }

    @Test
    void date() {
        assertThat(lint(GOOD.replace("[1.0.0] - 2024-01-01", "[1.0.0]"))).containsExactly(
                "F:11:11: released version 1.0.0 has no date: write '## [1.0.0] - YYYY-MM-DD' [date]");
        assertThat(lint(GOOD.replace("2024-01-01", "2024-02-30"))).containsExactly(
                "F:11:14: '2024-02-30' is not a valid ISO date (YYYY-MM-DD) [date]");
        assertThat(lint(GOOD.replace("2024-01-01", "01/01/2024"))).containsExactly(
                "F:11:14: '01/01/2024' is not a valid ISO date (YYYY-MM-DD) [date]");
        assertThat(lint(GOOD.replace("[1.0.0] - 2024-01-01", "[1.0.0] (2024-01-01)"))).containsExactly(
                "F:11:13: warning: separate the version and the date with ' - ' [heading]");
        assertThat(lint(GOOD.replace("[1.0.0] - 2024-01-01", "[1.0.0] – 2024-01-01"))).containsExactly(
                "F:11:12: warning: separate the version and the date with ' - ' [heading]");
        assertThat(lint(GOOD.replace("[1.0.0] - 2024-01-01", "[1.0.0] -- 2024-01-01"))).as("as Rack writes it").containsExactly(
                "F:11:12: warning: separate the version and the date with ' - ' [heading]");
        assertThat(lint(GOOD.replace("## [1.0.0] - 2024-01-01", "## 1.0.0 / 2024-01-01"))).as("as RubyGems writes it")
                .containsExactly("F:11:10: warning: separate the version and the date with ' - ' [heading]");
        assertThat(lint(GOOD.replace("2024-01-01", "2024-03-01"))).containsExactly(
                "F:11:14: warning: date 2024-03-01 is later than that of 1.1.0 above it (2024-02-01) [date-order]");
    }

    @Test
    void orderAndDuplicates() {
        String swapped = HEAD + "## [1.0.0] - 2024-01-01\n\n### Added\n\n- a\n\n## [1.1.0] - 2024-02-01\n\n### Added\n\n- b\n";
        assertThat(lint(swapped)).containsExactly(
                "F:11:5: version 1.1.0 is listed below older version 1.0.0 (line 5): newest first [order]");
        assertThat(lint(GOOD.replace("[1.1.0]", "[1.0.0]"))).containsExactly(
                "F:11:5: version 1.0.0 appears twice (also at line 5) [duplicate]");
        assertThat(lint(GOOD.replace("[1.1.0]", "[1.0.0+build.7]"))).as("build metadata does not make it another version")
                .containsExactly("F:11:5: version 1.0.0 appears twice (also at line 5) [duplicate]");
        assertThat(lint(GOOD.replace("[1.1.0] - 2024-02-01", "[1.0.0-rc.1] - 2023-12-01"))).containsExactly(
                "F:11:5: version 1.0.0 is listed below older version 1.0.0-rc.1 (line 5): newest first [order]");
    }

    @Test
    void orderIsAnErrorOnlyWhenBothVersionAndDateOrderAreBroken() {
        String byDate = HEAD + "## [1.0.1] - 2024-03-01\n\n### Fixed\n\n- c\n\n## [2.0.0] - 2024-02-01\n\n### Changed\n\n- b\n\n"
                + "## [1.0.0] - 2024-01-01\n\n### Added\n\n- a\n";
        assertThat(lint(byDate)).containsExactly("F:11:5: warning: version 2.0.0 is listed below older version 1.0.1 (line 5),"
                + " allowed because the dates are in order (maintenance releases listed by date); otherwise list newest first [order]");
        assertThat(lint(byDate.replace("2024-02-01", "2024-04-01"))).containsExactly(
                "F:11:5: version 2.0.0 is listed below older version 1.0.1 (line 5): newest first [order]");
        assertThat(lint(byDate.replace("[2.0.0] - 2024-02-01", "[2.0.0] - 2024-02-30"))).as("a date that says nothing")
                .containsExactly("F:11:5: version 2.0.0 is listed below older version 1.0.1 (line 5): newest first [order]",
                        "F:11:14: '2024-02-30' is not a valid ISO date (YYYY-MM-DD) [date]");
        assertThat(Fixtures.parse("maintenance-releases.md").lint()).extracting(p -> p.format("F")).containsExactly(
                "F:18:5: warning: version 4.1.2 is listed below older version 3.4.19 (line 12), allowed because the dates are"
                        + " in order (maintenance releases listed by date); otherwise list newest first [order]",
                "F:36:5: warning: version 4.1.0 is listed below older version 3.4.18 (line 30), allowed because the dates are"
                        + " in order (maintenance releases listed by date); otherwise list newest first [order]");
    }

    @Test
    void releaseHeadingsAtAnyOtherLevelAreReleasesReportedWithTheFix() {
        Changelog log = Fixtures.parse("invalid-heading-levels.md");
        assertThat(log.lint()).extracting(p -> p.format("F")).containsExactly(
                "F:17:1: release heading at level 1: write '## [1.0.0] - 2024-01-01' [heading-level]",
                "F:24:1: release heading at level 3: write '## [0.9.0] - 2023-12-01' [heading-level]");
        assertThat(lint(GOOD.replace("## [1.0.0]", "# [1.0.0]").replace("### Added\n\n- a", "### Addd\n\n- a")))
                .as("what is under it is checked like any release's").containsExactly(
                        "F:11:1: release heading at level 1: write '## [1.0.0] - 2024-01-01' [heading-level]",
                        "F:13:5: unknown section type 'Addd' (did you mean 'Added'?) [section-type]");
        assertThat(lint("# Changelog\n\n# [Unreleased]\n\n### Added\n\n- a\n")).containsExactly(
                "F:3:1: release heading at level 1: write '## [Unreleased]' [heading-level]");
        assertThat(lint(GOOD.replace("### Added\n\n- a", "### Added\n\n- a\n\n#### 1.0 notes\n\n### 2024 roadmap")))
                .as("headings that are not versions stay what they were")
                .containsExactly("F:19:5: unknown section type '2024 roadmap' (use Added, Changed, Deprecated, Removed, Fixed or Security) [section-type]");
    }

    @Test
    void aReleaseHeadingNamedLikeASectionIsOneError() {
        assertThat(Fixtures.parse("invalid-section-as-release.md").lint()).extracting(p -> p.format("F")).containsExactly(
                "F:13:1: section heading at level 2: did you mean '### Changed'? [heading-level]");
        assertThat(lint(GOOD.replace("### Added\n\n- b", "## Bug fixes\n\n- b"))).containsExactly(
                "F:7:1: section heading at level 2: did you mean '### Fixed'? [heading-level]");
        assertThat(lint("# Changelog\n\n## Added\n\n- a\n\n## [Unreleased]\n")).as("before any release")
                .containsExactly("F:3:1: section heading at level 2: did you mean '### Added'? [heading-level]");
    }

    @Test
    void sectionTypes() {
        assertThat(lint(GOOD.replace("### Added\n\n- a", "### Fix\n\n- a"))).containsExactly(
                "F:13:5: unknown section type 'Fix' (did you mean 'Fixed'?) [section-type]");
        assertThat(lint(GOOD.replace("### Added\n\n- a", "### Notes\n\n- a"))).containsExactly(
                "F:13:5: unknown section type 'Notes' (use Added, Changed, Deprecated, Removed, Fixed or Security) [section-type]");
        assertThat(lint(GOOD.replace("### Added\n\n- a", "### added\n\n- a"))).containsExactly(
                "F:13:5: warning: write 'Added', not 'added' [section-type]");
        assertThat(lint(GOOD.replace("### Added\n\n- a", "### Fixed\n\n- a\n\n### Added\n\n- c"))).containsExactly(
                "F:17:5: warning: 'Added' should come before 'Fixed' (order: Added, Changed, Deprecated, Removed, Fixed, Security) [section-order]");
        assertThat(lint(GOOD.replace("### Added\n\n- a", "### Added\n\n- a\n\n### Added\n\n- c"))).containsExactly(
                "F:17:5: warning: second 'Added' section in 1.0.0 (the first is at line 13) [duplicate-section]");
        assertThat(lint(GOOD.replace("### Added\n\n- a", "### Added\n\n- a\n\n### Fixed\n"))).containsExactly(
                "F:17:5: warning: section 'Fixed' has no entries [empty-section]");
    }

    @Test
    void entriesOutsideASectionAndEmptyReleases() {
        assertThat(lint(GOOD.replace("### Added\n\n- a", "- a"))).containsExactly(
                "F:13:1: entry outside a section (line 13): put it under '### Added', '### Changed', '### Fixed', ... [outside-section]");
        assertThat(Fixtures.parse("invalid-entries-outside-sections.md").lint()).extracting(p -> p.format("F")).as("one per list")
                .containsExactly(
                        "F:15:1: 3 entries outside a section (lines 15 to 17): put them under '### Added', '### Changed', '### Fixed', ... [outside-section]",
                        "F:21:1: entry outside a section (line 21): put it under '### Added', '### Changed', '### Fixed', ... [outside-section]",
                        "F:25:1: 2 entries outside a section (lines 25 to 26): put them under '### Added', '### Changed', '### Fixed', ... [outside-section]",
                        "F:34:1: 2 entries outside a section (lines 34 to 36): put them under '### Added', '### Changed', '### Fixed', ... [outside-section]");
        assertThat(lint(GOOD.replace("### Added\n\n- a", "- a\n  continued\n\n  more of it\n- b"))).containsExactly(
                "F:13:1: 2 entries outside a section (lines 13 to 17): put them under '### Added', '### Changed', '### Fixed', ... [outside-section]");
        assertThat(lint(GOOD.replace("### Added\n\n- a", "Nothing much happened."))).containsExactly(
                "F:11:1: released version 1.0.0 has no entries [empty-release]");
        assertThat(lint(GOOD.replace("- a", "```\n- a\n```"))).as("a bullet in code is not an entry")
                .containsExactly("F:11:1: released version 1.0.0 has no entries [empty-release]",
                        "F:13:5: warning: section 'Added' has no entries [empty-section]");
    }

    @Test
    void links() {
        String linked = GOOD + "\n[unreleased]: https://x/compare/v1.1.0...HEAD\n[1.1.0]: https://x/compare/v1.0.0...v1.1.0\n"
                + "[1.0.0]: https://x/releases/tag/v1.0.0\n[SemVer]: https://semver.org\n";
        assertThat(lint(linked)).isEmpty();
        assertThat(lint(linked.replace("[1.1.0]: https://x/compare/v1.0.0...v1.1.0\n", ""))).containsExactly(
                "F:5:5: 1.1.0 has no link definition ('[1.1.0]: URL') while other versions have one [link-missing]");
        assertThat(lint(linked.replace("[unreleased]: https://x/compare/v1.1.0...HEAD\n", ""))).containsExactly(
                "F:3:5: warning: Unreleased has no link definition ('[Unreleased]: URL') while other versions have one [link-missing]");
        assertThat(lint(linked + "[0.9.0]: https://x/releases/tag/v0.9.0\n")).containsExactly(
                "F:21:2: link definition '[0.9.0]' is not used by any version heading [link-unused]");
        assertThat(lint(linked + "[1.0.0]: https://y\n")).containsExactly(
                "F:21:2: warning: second definition of '[1.0.0]' (line 19 wins) [link-duplicate]");
        assertThat(lint(linked.replace("[1.0.0]: https", "[1.0.0]:https"))).isEmpty();
    }

    @Test
    void aYankedReleaseMayExplainItselfInProse() {
        assertThat(Fixtures.parse("yanked-with-prose.md").lint()).extracting(p -> p.format("F")).containsExactly(
                "F:13:1: warning: yanked version 1.2.0 has no entries, only prose (fine for a yanked release) [empty-release]");
        assertThat(lint(GOOD.replace("2024-01-01\n\n### Added\n\n- a\n", "2024-01-01 [YANKED]\n"))).as("nothing explains it")
                .containsExactly("F:11:1: released version 1.0.0 has no entries [empty-release]");
        assertThat(lint(GOOD.replace("### Added\n\n- a\n", "Nothing to see.\n"))).as("not yanked")
                .containsExactly("F:11:1: released version 1.0.0 has no entries [empty-release]");
    }

    @Test
    void yankedAndStrayText() {
        assertThat(lint(GOOD.replace("2024-01-01", "2024-01-01 [YANKED]"))).isEmpty();
        assertThat(lint(GOOD.replace("2024-01-01", "2024-01-01 yanked"))).containsExactly(
                "F:11:25: warning: write the yanked mark as '[YANKED]' [yanked]");
        assertThat(lint(GOOD.replace("2024-01-01", "2024-01-01 (hotfix)"))).containsExactly(
                "F:11:25: warning: unexpected text after the version and date: '(hotfix)' [heading]");
    }

    @Test
    void unclosedFence() {
        assertThat(lint(GOOD.replace("- b\n", "- b\n\n```\n"))).containsExactly(
                "F:11:1: code fence is never closed: every heading after it is read as code [unclosed-fence]");
    }

    @Test
    void columnsCountCharactersNotBytes() {
        assertThat(lint(GOOD.replace("### Added\n\n- a", "### Überarbeitet\n\n- a"))).singleElement().asString()
                .startsWith("F:13:5: unknown section type 'Überarbeitet'");
        assertThat(lint(GOOD.replace("[1.0.0] - 2024-01-01", "[1.0.0] - 2024-01-01 ✨"))).singleElement().asString()
                .startsWith("F:11:25: warning: unexpected text after the version and date: '✨'");
    }

    @Test
    void reportFormatsAndJson() {
        Path bad = Fixtures.path("invalid-everything.md");
        LintReport report = LintReport.of(List.of(bad, Fixtures.path("yanked.md")));
        assertThat(report.errors()).isEqualTo(14);
        assertThat(report.warnings()).isEqualTo(2);
        assertThat(report.lines(false)).hasSize(14).allMatch(l -> l.startsWith(bad + ":") && !l.contains("warning:"));
        assertThat(report.lines(true)).contains(Fixtures.path("yanked.md") + ":22:25: warning: write the yanked mark as '[YANKED]' [yanked]");
        assertThat(report.json()).startsWith("{\"errors\":14,\"warnings\":2,\"problems\":[{\"file\":\"" + bad
                + "\",\"line\":1,\"column\":1,\"severity\":\"error\",\"rule\":\"title\",\"message\":\"missing title: ");
        assertThat(report.summary()).isEqualTo("14 errors, 2 warnings in 2 files");
        assertThat(report.annotations(true)).hasSize(16).contains("::error file=" + bad + ",line=5,col=5,title=changelog section-type"
                + "::unknown section type 'Fix' (did you mean 'Fixed'?)");
        assertThat(report.annotations(false)).hasSize(14);
        LintReport missing = LintReport.of(List.of(Path.of("/nonexistent/CHANGELOG.md")));
        assertThat(missing.lines(true)).containsExactly("/nonexistent/CHANGELOG.md:1:1: /nonexistent/CHANGELOG.md: no such file [read]");
    }
}

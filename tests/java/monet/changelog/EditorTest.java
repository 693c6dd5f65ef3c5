package monet.changelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** add and release: exactly which lines change, per variant, and the refusals. */
class EditorTest {
    private static final LocalDate DAY = LocalDate.of(2024, 12, 24);

    private static String text(Changelog log) {
        return Fixtures.text(log);
    }

    /** Lines removed exactly, lines inserted in any order (a diff may place an inserted blank line either side). */
    private static void assertDiff(LineDiff diff, List<String> removed, List<String> inserted) {
        assertThat(diff.removed()).containsExactlyElementsOf(removed);
        assertThat(diff.inserted()).containsExactlyInAnyOrderElementsOf(inserted);
    }

    private static LineDiff diff(Changelog before, Changelog after) {
        return LineDiff.of(before.bytes(), after.bytes());
    }

    @Test
    void addAppendsToAnExistingSection() {
        Changelog log = Fixtures.parse("basic.md");
        Changelog added = log.add(ChangeType.FIXED, "Undo after export.");
        assertDiff(diff(log, added), List.of(), List.of("- Undo after export.\n"));
        assertThat(text(added)).contains("- Crash when the canvas is empty.\n- Undo after export.\n\n## [1.1.0]");
    }

    @Test
    void addCreatesTheSectionInCanonicalOrder() {
        Changelog log = Fixtures.parse("basic.md");
        assertThat(text(log.add(ChangeType.CHANGED, "Faster saves.")))
                .contains("- Export of sketches as SVG.\n\n### Changed\n\n- Faster saves.\n\n### Fixed\n");
        assertThat(text(log.add(ChangeType.SECURITY, "Escape titles.")))
                .contains("- Crash when the canvas is empty.\n\n### Security\n\n- Escape titles.\n\n## [1.1.0]");
        Changelog fixedOnly = Changelog.parse("# C\n\n## [Unreleased]\n\n### Fixed\n\n- f\n");
        assertThat(text(fixedOnly.add(ChangeType.ADDED, "a")))
                .isEqualTo("# C\n\n## [Unreleased]\n\n### Added\n\n- a\n\n### Fixed\n\n- f\n");
        assertThat(diff(log, log.add(ChangeType.DEPRECATED, "x")).removed()).isEmpty();
    }

    @Test
    void addToAnEmptyUnreleasedAndToAnEmptySection() {
        Changelog yanked = Fixtures.parse("yanked.md");
        assertThat(text(yanked.add(ChangeType.ADDED, "New.")))
                .contains("## [Unreleased]\n\n### Added\n\n- New.\n\n## [1.3.1] - 2024-05-02\n");
        Changelog emptySection = Changelog.parse("# C\n\n## [Unreleased]\n\n### Added\n\n### Fixed\n\n- f\n");
        assertThat(text(emptySection.add(ChangeType.ADDED, "a")))
                .isEqualTo("# C\n\n## [Unreleased]\n\n### Added\n\n- a\n\n### Fixed\n\n- f\n");
        Changelog tight = Changelog.parse("# C\n\n## [Unreleased]\n### Added\n### Fixed\n- f\n");
        assertThat(text(tight.add(ChangeType.ADDED, "a"))).isEqualTo("# C\n\n## [Unreleased]\n### Added\n- a\n\n### Fixed\n- f\n");
    }

    @Test
    void addToASectionWithCodeButNoEntriesLeavesTheCodeOutsideTheEntry() {
        Changelog code = Changelog.parse("# C\n\n## [Unreleased]\n\n### Added\n\n  ```\n  ## [0.0.1]\n  ```\n\n## [1.0.0] - 2024-01-01\n\n### Added\n\n- a\n");
        Changelog added = code.add(ChangeType.ADDED, "b");
        assertThat(text(added)).contains("### Added\n\n  ```\n  ## [0.0.1]\n  ```\n\n- b\n\n## [1.0.0]");
        assertThat(added.unreleased().orElseThrow().sections().get(0).entries()).extracting(Entry::text).containsExactly("b");
    }

    @Test
    void addCreatesUnreleasedWhenMissing() {
        Changelog log = Changelog.parse("# Changelog\n\nIntro.\n\n## [1.0.0] - 2024-01-01\n\n### Added\n\n- a\n");
        assertThat(text(log.add(ChangeType.FIXED, "b"))).isEqualTo(
                "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Fixed\n\n- b\n\n## [1.0.0] - 2024-01-01\n\n### Added\n\n- a\n");
        assertThat(text(Changelog.parse("# Changelog\n").add(ChangeType.ADDED, "first")))
                .isEqualTo("# Changelog\n\n## [Unreleased]\n\n### Added\n\n- first\n");
        assertThat(text(Changelog.parse("").add(ChangeType.ADDED, "first"))).isEqualTo("## [Unreleased]\n\n### Added\n\n- first\n");
        Changelog template = Changelog.template("NEW.md").add(ChangeType.ADDED, "first");
        assertThat(template.lint()).isEmpty();
        assertThat(template.unreleased().orElseThrow().sections().get(0).entries()).extracting(Entry::text).containsExactly("first");
    }

    @Test
    void addKeepsCrlfAndAMissingFinalNewline() {
        Changelog crlf = Fixtures.parse("crlf.md");
        assertDiff(diff(crlf, crlf.add(ChangeType.SECURITY, "S")), List.of(),
                List.of("\r\n", "### Security\r\n", "\r\n", "- S\r\n"));
        Changelog bare = Changelog.parse("# C\n\n## [Unreleased]\n\n### Added\n\n- a");
        assertThat(text(bare.add(ChangeType.FIXED, "b"))).isEqualTo("# C\n\n## [Unreleased]\n\n### Added\n\n- a\n\n### Fixed\n\n- b");
        assertThat(text(bare.add(ChangeType.ADDED, "b"))).isEqualTo("# C\n\n## [Unreleased]\n\n### Added\n\n- a\n- b");
    }

    @Test
    void addFollowsTheFilesBulletAndMultiLineText() {
        Changelog stars = Changelog.parse("# C\n\n## [Unreleased]\n\n### Added\n\n* a\n");
        assertThat(text(stars.add(ChangeType.ADDED, "b\nsecond line\n\n"))).isEqualTo("# C\n\n## [Unreleased]\n\n### Added\n\n* a\n* b\n  second line\n");
        assertThat(text(stars.add(ChangeType.ADDED, "- typed with a bullet"))).endsWith("* a\n* typed with a bullet\n");
        assertThatThrownBy(() -> stars.add(ChangeType.ADDED, "  \n ")).isInstanceOf(ChangelogException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void addAfterAnEntryWithCodeAndNestedBullets() {
        Changelog code = Fixtures.parse("code-blocks.md");
        assertThat(text(code.add(ChangeType.CHANGED, "Next."))).contains("  instead of the old syntax.\n- Next.\n\n## [2.0.0]");
        Changelog nested = Fixtures.parse("nested-bullets.md");
        assertThat(text(nested.add(ChangeType.ADDED, "Next."))).contains("+ A plus bullet\n- Next.\n\n## [3.1.0]");
    }

    @Test
    void releaseMovesUnreleasedAndUpdatesLinks() {
        Changelog log = Fixtures.parse("basic.md");
        Changelog released = log.release(Version.parse("1.2.0"), DAY);
        assertDiff(diff(log, released),
                List.of("[unreleased]: https://github.com/example/easel/compare/v1.1.0...HEAD\n"),
                List.of("\n", "## [1.2.0] - 2024-12-24\n",
                        "[unreleased]: https://github.com/example/easel/compare/v1.2.0...HEAD\n",
                        "[1.2.0]: https://github.com/example/easel/compare/v1.1.0...v1.2.0\n"));
        assertThat(released.notes("1.2.0")).isEqualTo(log.notes("unreleased"));
        assertThat(released.notes("unreleased")).isEmpty();
        assertThat(released.lint()).isEmpty();
        assertThat(text(released)).startsWith(text(log).substring(0, text(log).indexOf("## [Unreleased]")) + "## [Unreleased]\n\n## [1.2.0] - 2024-12-24\n\n### Added\n");
    }

    @Test
    void releaseKeepsVPrefixesTagPrefixesAndLabelCase() {
        Changelog v = Fixtures.parse("v-prefix.md").release(Version.parse("1.3.0"), DAY);
        assertThat(text(v)).contains("## [Unreleased]\n\n## [v1.3.0] - 2024-12-24\n",
                "[unreleased]: https://github.com/example/vee/compare/v1.3.0...HEAD\n"
                        + "[v1.3.0]: https://github.com/example/vee/compare/v1.2.0...v1.3.0\n[v1.2.0]:");
        assertThat(v.lint()).isEmpty();
        Changelog pre = Fixtures.parse("prerelease.md").release(Version.parse("2.0.0"), DAY);
        assertThat(text(pre)).contains("[unreleased]: https://github.com/example/pre/compare/release-2.0.0...HEAD\n"
                + "[2.0.0]: https://github.com/example/pre/compare/release-2.0.0-beta.3+build.5...release-2.0.0\n");
        assertThat(pre.lint()).isEmpty();
        Changelog gitlab = Fixtures.parse("unicode.md").release(Version.parse("0.3.0"), DAY);
        assertThat(text(gitlab)).contains("[Unreleased]: https://gitlab.com/example/toile/-/compare/0.3.0...main\n"
                + "[0.3.0]: https://gitlab.com/example/toile/-/compare/0.2.0...0.3.0\n");
        assertThat(gitlab.notes("0.3.0")).contains("„Pinsel“", "日本語");
        Changelog labels = Fixtures.parse("link-labels.md").release(Version.parse("1.0.0"), DAY);
        assertThat(text(labels)).contains("## [unreleased]\n\n## [1.0.0] - 2024-12-24\n",
                "[UNRELEASED]: https://github.com/example/labels/compare/v1.0.0...HEAD\n"
                        + "[1.0.0]: https://github.com/example/labels/compare/v0.3.0...v1.0.0\n", "[SemVer]: https://semver.org\n");
        assertThat(labels.lint()).isEmpty();
    }

    @Test
    void releaseWithInlineLinks() {
        Changelog log = Fixtures.parse("inline-links.md");
        Changelog released = log.release(Version.parse("1.2.1"), DAY);
        assertDiff(diff(log, released),
                List.of("## [Unreleased](https://github.com/example/inline/compare/v1.2.0...HEAD)\n"),
                List.of("## [Unreleased](https://github.com/example/inline/compare/v1.2.1...HEAD)\n", "\n",
                        "## [1.2.1](https://github.com/example/inline/compare/v1.2.0...v1.2.1) - 2024-12-24\n"));
        assertThat(released.lint()).isEmpty();
    }

    @Test
    void releaseDerivesLinksFromTheRepositoryWhenThereAreNone() {
        Changelog log = Fixtures.parse("no-links.md");
        assertThat(diff(log, log.release(Version.parse("0.2.0"), DAY)).inserted()).containsExactlyInAnyOrder("\n", "## [0.2.0] - 2024-12-24\n");
        Changelog linked = log.withRepositoryUrl("https://github.com/example/new").release(Version.parse("0.2.0"), DAY);
        assertThat(text(linked)).endsWith("- First.\n\n[unreleased]: https://github.com/example/new/compare/v0.2.0...HEAD\n"
                + "[0.2.0]: https://github.com/example/new/compare/v0.1.0...v0.2.0\n"
                + "[0.1.0]: https://github.com/example/new/releases/tag/v0.1.0\n");
        assertThat(linked.lint()).isEmpty();
        Changelog first = Changelog.parse("# C\n\n## [Unreleased]\n\n### Added\n\n- a").withRepositoryUrl("https://h/o/r");
        assertThat(text(first.release(Version.parse("0.1.0"), DAY))).isEqualTo("# C\n\n## [Unreleased]\n\n## [0.1.0] - 2024-12-24\n\n"
                + "### Added\n\n- a\n\n[unreleased]: https://h/o/r/compare/v0.1.0...HEAD\n[0.1.0]: https://h/o/r/releases/tag/v0.1.0");
    }

    @Test
    void releaseComparesWithThePreviousVersionNotWithAStaleLink() {
        Changelog stale = Fixtures.parse("stale-links.md");
        String expected = "[unreleased]: https://github.com/example/stale/compare/v1.2.0...HEAD\n"
                + "[1.2.0]: https://github.com/example/stale/compare/v1.1.0...v1.2.0\n";
        Changelog released = stale.release(Version.parse("1.2.0"), DAY);
        assertDiff(diff(stale, released), List.of("[unreleased]: https://github.com/example/stale/compare/v1.0.0...HEAD\n"),
                List.of("\n", "## [1.2.0] - 2024-12-24\n", "[unreleased]: https://github.com/example/stale/compare/v1.2.0...HEAD\n",
                        "[1.2.0]: https://github.com/example/stale/compare/v1.1.0...v1.2.0\n"));
        Changelog reversed = Changelog.parse(stale.text().replace("compare/v1.0.0...HEAD", "compare/HEAD...v1.0.0"));
        assertThat(text(reversed.release(Version.parse("1.2.0"), DAY))).as("a reversed [unreleased] link").contains(expected);
        Changelog reversedVersion = Changelog.parse(stale.text().replace("compare/v1.0.0...v1.1.0", "compare/v1.1.0...v1.0.0"));
        assertThat(text(reversedVersion.release(Version.parse("1.2.0"), DAY))).as("a reversed version link").contains(expected);
    }

    @Test
    void releaseAboveAMaintenanceReleaseComparesWithTheHighestVersionBelow() {
        Changelog log = Fixtures.parse("maintenance-releases.md");
        Changelog released = log.release(Version.parse("4.2.0"), DAY);
        assertThat(text(released)).contains("## [Unreleased]\n\n## [4.2.0] - 2024-12-24\n\n### Added\n\n- Container queries.\n\n## [3.4.19]",
                "[unreleased]: https://github.com/example/lines/compare/v4.2.0...HEAD\n"
                        + "[4.2.0]: https://github.com/example/lines/compare/v4.1.2...v4.2.0\n"
                        + "[3.4.19]: https://github.com/example/lines/compare/v3.4.18...v3.4.19\n");
        assertThat(released.lint()).filteredOn(Problem::isError).isEmpty();
    }

    @Test
    void releaseLinksTheNewVersionUnreleasedAndVersionsLeftUnlinkedAboveTheLinkedOnes() {
        Changelog log = Fixtures.parse("invalid-top-version-unlinked.md");
        assertThat(log.lint()).extracting(p -> p.format("F")).containsExactly(
                "F:5:5: warning: Unreleased has no link definition ('[Unreleased]: URL') while other versions have one [link-missing]",
                "F:11:5: 0.3.0 has no link definition ('[0.3.0]: URL') while other versions have one [link-missing]");
        Changelog released = log.release(Version.parse("0.3.1"), DAY);
        assertDiff(diff(log, released), List.of(), List.of("\n", "## [0.3.1] - 2024-12-24\n",
                "[unreleased]: https://github.com/example/unlinked/compare/v0.3.1...HEAD\n",
                "[0.3.1]: https://github.com/example/unlinked/compare/v0.3.0...v0.3.1\n",
                "[0.3.0]: https://github.com/example/unlinked/compare/v0.2.0...v0.3.0\n"));
        assertThat(text(released)).endsWith("- First release.\n\n[unreleased]: https://github.com/example/unlinked/compare/v0.3.1...HEAD\n"
                + "[0.3.1]: https://github.com/example/unlinked/compare/v0.3.0...v0.3.1\n"
                + "[0.3.0]: https://github.com/example/unlinked/compare/v0.2.0...v0.3.0\n"
                + "[0.2.0]: https://github.com/example/unlinked/compare/v0.1.0...v0.2.0\n"
                + "[0.1.0]: https://github.com/example/unlinked/releases/tag/v0.1.0\n");
        assertThat(released.lint()).isEmpty();
        Changelog planned = Changelog.parse(log.text().replace("## [0.3.0] - 2024-03-01", "## [0.3.0] - TBD"));
        assertThat(text(planned.release(Version.parse("0.3.1"), DAY))).as("a version not released yet: no link, no compare with it")
                .doesNotContain("[0.3.0]:").contains("[0.3.1]: https://github.com/example/unlinked/compare/v0.2.0...v0.3.1\n");
    }

    @Test
    void addCreatesUnreleasedWithItsLink() {
        Changelog log = Fixtures.parse("invalid-no-unreleased.md");
        Changelog added = log.add(ChangeType.FIXED, "Publishing twice is refused.");
        assertDiff(diff(log, added), List.of(), List.of("## [Unreleased]\n", "\n", "### Fixed\n", "\n", "- Publishing twice is refused.\n",
                "\n", "[unreleased]: https://github.com/example/poet/compare/2.4.1...HEAD\n"));
        assertThat(text(added)).endsWith("\n[unreleased]: https://github.com/example/poet/compare/2.4.1...HEAD\n"
                + "[2.4.1]: https://github.com/example/poet/compare/2.4.0...2.4.1\n[2.4.0]: https://github.com/example/poet/releases/tag/2.4.0\n");
        assertThat(added.lint()).isEmpty();
        Changelog inline = Changelog.parse(Fixtures.parse("inline-links.md").text().replaceFirst("(?s)## \\[Unreleased\\].*?(## \\[1\\.2\\.0\\])", "$1"));
        assertThat(text(inline.add(ChangeType.ADDED, "a"))).contains(
                "## [Unreleased](https://github.com/example/inline/compare/v1.2.0...HEAD)\n\n### Added\n\n- a\n\n## [1.2.0]");
        Changelog unlinked = Changelog.parse("# C\n\n## [1.0.0] - 2024-01-01\n\n### Added\n\n- a\n").withRepositoryUrl("https://h/o/r");
        assertThat(text(unlinked.add(ChangeType.ADDED, "b"))).as("a file without links gets none from add").doesNotContain("https://h/o/r");
    }

    @Test
    void releaseFollowsTheFilesHeadingConvention() {
        Changelog parens = Fixtures.parse("date-in-parentheses.md");
        assertThat(text(parens.release(Version.parse("1.2.0"), DAY))).contains("## [Unreleased]\n\n## [1.2.0] (2024-12-24)\n\n### Added\n");
        for (String heading : List.of("## 1.1.0 - 2024-03-01", "## [1.1.0] – 2024-03-01", "## [1.1.0] 2024-03-01", "## v1.1.0 (2024-03-01)", "## 1.1.0 / 2024-03-01", "## [1.1.0] -- 2024-03-01",
                "## [1.1.0] - 2024-03-01 [YANKED]", "## [1.1.0] - 2024-03-01 (the big one)", "# [1.1.0] - 2024-03-01")) {
            Changelog log = Changelog.parse(parens.text().replace("## [1.1.0] (2024-03-01)", heading));
            String expected = heading.replace("1.1.0", "1.2.0").replace("2024-03-01", "2024-12-24").replace(" [YANKED]", "")
                    .replace(" (the big one)", "").replaceFirst("^# ", "## ");
            assertThat(text(log.release(Version.parse("1.2.0"), DAY))).as(heading).contains("## [Unreleased]\n\n" + expected + "\n\n### Added\n");
        }
    }

    @Test
    void releaseRefusesWithoutChangingAnything() {
        Changelog basic = Fixtures.parse("basic.md");
        assertThatThrownBy(() -> Fixtures.parse("yanked.md").release(Version.parse("2.0.0"), DAY))
                .isInstanceOf(ChangelogException.class).hasMessage("yanked.md: [Unreleased] (line 8) has no entries: nothing to release");
        assertThatThrownBy(() -> basic.release(Version.parse("1.1.0"), DAY))
                .hasMessage("basic.md: version 1.1.0 already exists (line 18)");
        assertThatThrownBy(() -> basic.release(Version.parse("1.0.5"), DAY))
                .hasMessage("basic.md: version 1.0.5 is not greater than the latest version 1.1.0");
        assertThatThrownBy(() -> Fixtures.parse("prerelease.md").release(Version.parse("2.0.0-beta.1"), DAY))
                .hasMessageContaining("is not greater than the latest version 2.0.0-beta.3+build.5");
        assertThatThrownBy(() -> Changelog.parse("# C\n\n## [1.0.0] - 2024-01-01\n\n### Added\n\n- a\n").release(Version.parse("2.0.0"), DAY))
                .hasMessage("CHANGELOG.md: there is no [Unreleased] section to release");
        assertThat(basic.bytes()).isEqualTo(Fixtures.bytes("basic.md"));
    }

    @Test
    void nextVersion() {
        String head = "# C\n\n## [Unreleased]\n\n";
        String tail = "\n## [1.4.2] - 2024-01-01\n\n### Added\n\n- x\n";
        assertThat(Changelog.parse(head + "### Fixed\n\n- f\n### Security\n\n- s\n" + tail).nextVersion(Bump.AUTO)).hasToString("1.4.3");
        assertThat(Changelog.parse(head + "### Added\n\n- a\n### Fixed\n\n- f\n" + tail).nextVersion(Bump.AUTO)).hasToString("1.5.0");
        assertThat(Changelog.parse(head + "### Deprecated\n\n- d\n" + tail).nextVersion(Bump.AUTO)).hasToString("1.5.0");
        assertThat(Changelog.parse(head + "### Changed\n\n- c\n" + tail).nextVersion(Bump.AUTO)).hasToString("2.0.0");
        assertThat(Changelog.parse(head + "### Removed\n\n- r\n" + tail).nextVersion(Bump.AUTO)).hasToString("2.0.0");
        assertThat(Changelog.parse(head + "### Added\n\n" + tail).nextVersion(Bump.PATCH)).hasToString("1.4.3");
        String zero = tail.replace("1.4.2", "0.3.1");
        assertThat(Changelog.parse(head + "### Removed\n\n- r\n" + zero).nextVersion(Bump.AUTO)).hasToString("0.4.0");
        assertThat(Changelog.parse(head + "### Added\n\n- a\n" + zero).nextVersion(Bump.AUTO)).hasToString("0.3.2");
        assertThat(Changelog.parse(head + "### Added\n\n- a\n" + zero).nextVersion(Bump.MAJOR)).hasToString("1.0.0");
        assertThat(Changelog.parse(head + "### Changed\n\n- c\n").nextVersion(Bump.AUTO)).hasToString("0.1.0");
        assertThat(Changelog.parse(head + "### Changed\n\n- c\n").nextVersion(Bump.MAJOR)).hasToString("1.0.0");
        assertThat(Fixtures.parse("prerelease.md").nextVersion(Bump.AUTO)).hasToString("2.0.0");
        assertThatThrownBy(() -> Changelog.parse(head + "### Added\n\n" + tail).nextVersion(Bump.AUTO))
                .hasMessageContaining("[Unreleased] has no entries");
        assertThatThrownBy(() -> Changelog.parse(head + "### Notes\n\n- n\n" + tail).nextVersion(Bump.AUTO))
                .hasMessageContaining("[Unreleased] has no entries under Added, Changed");
    }

    static List<String> valid() {
        return Fixtures.valid();
    }

    @ParameterizedTest
    @MethodSource("valid")
    void editsOfEveryFixtureKeepItValidAndTouchNoOtherLine(String name) {
        Changelog log = Fixtures.parse(name);
        for (ChangeType type : ChangeType.values()) {
            Changelog added = log.add(type, "Entry for " + type);
            LineDiff diff = diff(log, added);
            assertThat(diff.removed()).as(name + " " + type).allMatch(l -> !l.endsWith("\n") && added.text().contains(l + "\n")
                    || !l.endsWith("\n") && added.text().contains(l + "\r\n"));
            assertThat(added.lint()).filteredOn(Problem::isError).as(name).isEmpty();
            Changelog released = added.release(added.nextVersion(Bump.MAJOR), DAY);
            assertThat(released.lint()).filteredOn(Problem::isError).as(name).isEmpty();
            assertThat(released.notes("latest")).isEqualTo(added.notes("unreleased"));
            for (Release release : log.releases()) {
                if (!release.isUnreleased()) {
                    assertThat(released.notes(release.label())).isEqualTo(log.notes(release.label()));
                }
            }
        }
        assertThat(new String(log.bytes(), StandardCharsets.UTF_8)).isEqualTo(new String(Fixtures.bytes(name), StandardCharsets.UTF_8));
    }
}

package monet.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the parser finds in each real-world variant. */
class ParserTest {
    private static List<String> labels(Changelog log) {
        return log.releases().stream().map(Release::label).toList();
    }

    @Test
    void readsReleasesSectionsEntriesAndLinks() {
        Changelog log = Fixtures.parse("basic.md");
        assertThat(log.title()).isEqualTo("Changelog");
        assertThat(labels(log)).containsExactly("Unreleased", "1.1.0", "1.0.1", "1.0.0");
        Release v110 = log.find("1.1.0").orElseThrow();
        assertThat(v110.line()).isEqualTo(18);
        assertThat(v110.date()).isEqualTo(LocalDate.of(2024, 3, 10));
        assertThat(v110.sections()).extracting(Section::type).containsExactly(ChangeType.values());
        assertThat(v110.sections().get(0).entries()).extracting(Entry::text)
                .containsExactly("Dark mode for the gallery.", "Keyboard shortcuts: `g` for gallery, `n` for new.");
        assertThat(log.unreleased().orElseThrow().changeTypes()).containsExactly(ChangeType.ADDED, ChangeType.FIXED);
        assertThat(log.links()).extracting(LinkDefinition::label).containsExactly("unreleased", "1.1.0", "1.0.1", "1.0.0");
        assertThat(log.linkOf(v110)).isEqualTo("https://github.com/example/easel/compare/v1.0.1...v1.1.0");
        assertThat(log.latest().orElseThrow().label()).isEqualTo("1.1.0");
    }

    @Test
    void crlfAndAMissingFinalNewlineParseLikeTheOriginal() {
        for (String variant : List.of("crlf.md", "no-trailing-newline.md", "crlf-no-trailing-newline.md")) {
            Changelog log = Fixtures.parse(variant);
            Changelog plain = Fixtures.parse("basic.md");
            assertThat(log.toJson().replace(variant, "basic.md")).as(variant).isEqualTo(plain.toJson());
            assertThat(log.find("1.0.0").orElseThrow().sections().get(0).entries().get(0).text())
                    .isEqualTo("First public release.");
        }
        assertThat(Fixtures.parse("crlf.md").notes("1.0.1")).isEqualTo("### Fixed\r\n\r\n- Saving twice in a row no longer loses strokes.\r\n");
    }

    @Test
    void headingsInsideCodeBlocksAndCommentsAreNotHeadings() {
        Changelog log = Fixtures.parse("code-blocks.md");
        assertThat(labels(log)).containsExactly("Unreleased", "2.0.0", "1.0.0");
        Release v200 = log.find("2.0.0").orElseThrow();
        assertThat(v200.sections()).extracting(Section::name).containsExactly("Added", "Fixed");
        assertThat(v200.sections().get(0).entries()).extracting(Entry::text)
                .containsExactly("A migration guide:", "Another entry after the fence.");
        assertThat(v200.sections().get(1).entries().get(0).text()).contains("## [7.7.7]");
        Release unreleased = log.unreleased().orElseThrow();
        assertThat(unreleased.sections()).extracting(Section::name).containsExactly("Changed");
        assertThat(unreleased.sections().get(0).entries()).hasSize(1);
        assertThat(unreleased.sections().get(0).entries().get(0).text()).contains("```toml", "instead of the old syntax.");
        assertThat(log.lint()).isEmpty();
    }

    @Test
    void nestedBulletsAndContinuationLinesBelongToTheirEntry() {
        Changelog log = Fixtures.parse("nested-bullets.md");
        List<Entry> added = log.unreleased().orElseThrow().sections().get(0).entries();
        assertThat(added).extracting(Entry::line).containsExactly(12, 16, 18, 19);
        assertThat(added.get(0).text()).isEqualTo("Layers panel\n  - drag to reorder\n  - double-click to rename\n    - names may contain spaces");
        assertThat(added.get(1).text()).isEqualTo("Undo history that\n  wraps onto a second line");
        assertThat(log.find("3.1.0").orElseThrow().sections().get(0).entries()).singleElement()
                .extracting(Entry::text).asString().endsWith("A paragraph that belongs to the entry.");
    }

    @Test
    void inlineLinkHeadings() {
        Changelog log = Fixtures.parse("inline-links.md");
        assertThat(labels(log)).containsExactly("Unreleased", "1.2.0", "1.1.0");
        Release v120 = log.find("1.2.0").orElseThrow();
        assertThat(v120.inlineLink()).isEqualTo("https://github.com/example/inline/compare/v1.1.0...v1.2.0");
        assertThat(v120.dateText()).isEqualTo("2024-01-02");
        assertThat(log.lint()).isEmpty();
    }

    @Test
    void vPrefixesBracketedOrNot() {
        Changelog log = Fixtures.parse("v-prefix.md");
        assertThat(labels(log)).containsExactly("Unreleased", "v1.2.0", "v1.1.0", "v1.0.0");
        assertThat(log.releases().subList(1, 4)).extracting(r -> r.version().toString()).containsExactly("1.2.0", "1.1.0", "1.0.0");
        assertThat(log.find("1.1.0").orElseThrow().label()).isEqualTo("v1.1.0");
        assertThat(log.find("v1.2.0")).isPresent();
    }

    @Test
    void preReleasesAndBuildMetadata() {
        Changelog log = Fixtures.parse("prerelease.md");
        Release beta = log.find("2.0.0-beta.3+build.5").orElseThrow();
        assertThat(beta.version().prerelease()).containsExactly("beta", "3");
        assertThat(beta.version().build()).isEqualTo("build.5");
        assertThat(log.highestVersion()).hasValueSatisfying(v -> assertThat(v).hasToString("2.0.0-beta.3+build.5"));
        assertThat(log.lint()).isEmpty();
    }

    @Test
    void yankedWithOrWithoutBrackets() {
        Changelog log = Fixtures.parse("yanked.md");
        assertThat(log.releases()).extracting(Release::isYanked).containsExactly(false, false, true, true, true);
        assertThat(log.find("1.2.0").orElseThrow().date()).isEqualTo(LocalDate.of(2024, 4, 1));
    }

    @Test
    void linkLabelsMatchIgnoringCaseAndOtherDefinitionsAreKept() {
        Changelog log = Fixtures.parse("link-labels.md");
        assertThat(log.unreleased().orElseThrow().label()).isEqualTo("unreleased");
        assertThat(log.linkOf(log.unreleased().orElseThrow())).endsWith("compare/v0.3.0...HEAD");
        assertThat(log.links()).extracting(LinkDefinition::label).contains("kac", "SemVer");
        assertThat(log.lint()).isEmpty();
    }

    @Test
    void unicodeAndByteOrderMark() {
        Changelog log = Fixtures.parse("unicode.md");
        assertThat(log.unreleased().orElseThrow().sections().get(0).entries()).extracting(Entry::text)
                .containsExactly("Übersetzung ins Deutsche: „Pinsel“ und „Leinwand“ 🎨", "日本語のメニュー（ベータ）");
        Changelog bom = Fixtures.parse("bom.md");
        assertThat(bom.title()).isEqualTo("Changelog");
        assertThat(bom.lint()).isEmpty();
    }

    @Test
    void notesAreTheBodyAsWritten() {
        Changelog log = Fixtures.parse("basic.md");
        assertThat(log.notes("1.0.1")).isEqualTo("### Fixed\n\n- Saving twice in a row no longer loses strokes.\n");
        assertThat(log.notes("latest")).startsWith("### Added\n\n- Dark mode").endsWith("`SameSite=Lax`.\n");
        assertThat(log.notes("unreleased")).isEqualTo("### Added\n\n- Export of sketches as SVG.\n\n### Fixed\n\n"
                + "- Crash when the canvas is empty.\n");
        assertThat(log.notes("1.0.0")).as("stops before the link definitions").isEqualTo("### Added\n\n- First public release.\n");
        assertThat(Fixtures.parse("no-trailing-newline.md").notes("1.0.0")).isEqualTo("### Added\n\n- First public release.\n");
        assertThat(Fixtures.parse("yanked.md").notes("unreleased")).isEmpty();
        String code = Fixtures.parse("code-blocks.md").notes("2.0.0");
        assertThat(code).contains("## [9.9.9] - 2099-01-01", "## [6.6.6]").endsWith("-->\n");
    }

    @Test
    void notesOfAnAbsentReleaseFail() {
        Changelog log = Fixtures.parse("basic.md");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.notes("9.9.9"))
                .isInstanceOf(ChangelogException.class)
                .hasMessageContaining("no release '9.9.9'").hasMessageContaining("Unreleased, 1.1.0");
    }

    @Test
    void showJson() {
        String json = Fixtures.parse("yanked.md").toJson();
        assertThat(json).startsWith("{\"file\":\"yanked.md\",\"title\":\"Changelog\",\"releases\":[")
                .contains("{\"label\":\"1.3.0\",\"version\":\"1.3.0\",\"unreleased\":false,\"date\":\"2024-05-01\","
                        + "\"yanked\":true,\"line\":16,\"link\":\"https://github.com/example/yank/compare/v1.2.0...v1.3.0\","
                        + "\"sections\":[{\"type\":\"Fixed\",\"line\":18,\"entries\":[\"A fix that broke uploads.\"]}]}");
    }
}

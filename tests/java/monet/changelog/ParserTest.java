package monet.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
                        + "\"sections\":[{\"type\":\"Fixed\",\"line\":18,\"entries\":[\"A fix that broke uploads.\"]}],"
                        + "\"entriesOutsideSections\":[]}");
    }

    @Test
    void jsonReadsBackWhateverTheTextHolds() throws Exception {
        String entry = "tab\there, \"quotes\", back\\slash, control \u0001, </script>, Übersicht 🎨";
        Changelog log = Changelog.parse("# T \"1\"\n\n## [Unreleased]\n\n### Added\n\n- " + entry + "\n");
        JsonNode json = new ObjectMapper().readTree(log.toJson());
        assertThat(json.at("/title").asText()).isEqualTo("T \"1\"");
        assertThat(json.at("/releases/0/version").isNull()).isTrue();
        assertThat(json.at("/releases/0/sections/0/entries/0").asText()).isEqualTo(entry);
        JsonNode report = new ObjectMapper().readTree(LintReport.of(List.of(Fixtures.path("invalid-everything.md"))).json());
        assertThat(report.at("/errors").asInt()).isEqualTo(14);
        assertThat(report.at("/problems").size()).isEqualTo(14 + report.at("/warnings").asInt());
    }

    @Test
    void aReleaseHeadingAtAnyLevelIsARelease() {
        Changelog log = Fixtures.parse("invalid-heading-levels.md");
        assertThat(labels(log)).containsExactly("Unreleased", "1.1.0", "1.0.0", "0.9.0");
        assertThat(log.title()).isEqualTo("Changelog");
        assertThat(log.notes("1.0.0")).isEqualTo("### Added\n\n- Brushes: round, flat and fan.\n- Export as PNG.\n");
        assertThat(log.notes("1.1.0")).isEqualTo("### Added\n\n- Layers can be locked.\n");
        assertThat(log.find("0.9.0").orElseThrow().sections().get(0).entries()).extracting(Entry::text)
                .containsExactly("Private beta for twelve painters.");
        assertThat(log.toJson()).contains("{\"label\":\"1.0.0\",\"version\":\"1.0.0\",\"unreleased\":false,\"date\":\"2024-01-01\","
                + "\"yanked\":false,\"line\":17,\"link\":null,\"sections\":[{\"type\":\"Added\",\"line\":19,\"entries\":"
                + "[\"Brushes: round, flat and fan.\",\"Export as PNG.\"]}],\"entriesOutsideSections\":[]}");
        assertThat(Changelog.parse("# 1.0.0\n\nA title that is a version.\n").releases()).extracting(Release::label).containsExactly("1.0.0");
        assertThat(Changelog.parse("# Changelog\n\n## [1.0.0] - 2024-01-01\n\n### Added\n\n- a\n\n#### 1.0.1 hotfix\n\n- b\n")
                .releases()).as("a level-4 heading too").extracting(Release::label).containsExactly("1.0.0", "1.0.1");
    }

    @Test
    void aReleaseHeadingNamedLikeASectionIsASectionOfTheReleaseAbove() {
        Changelog log = Fixtures.parse("invalid-section-as-release.md");
        assertThat(labels(log)).containsExactly("Unreleased", "2.0.0", "1.0.0");
        Release v200 = log.find("2.0.0").orElseThrow();
        assertThat(v200.sections()).extracting(Section::type).containsExactly(ChangeType.ADDED, ChangeType.CHANGED);
        assertThat(v200.sections().get(1).entries()).extracting(Entry::text)
                .containsExactly("The default brush is round.", "Exports keep their layers.");
        assertThat(log.notes("2.0.0")).endsWith("## Changed\n\n- The default brush is round.\n- Exports keep their layers.\n");
        assertThat(v200.changeTypes()).containsExactly(ChangeType.ADDED, ChangeType.CHANGED);
    }

    @Test
    void entriesOutsideSectionsHaveTheirPlace() {
        Changelog log = Fixtures.parse("invalid-entries-outside-sections.md");
        Release v300 = log.find("3.0.0").orElseThrow();
        assertThat(v300.sections()).isEmpty();
        assertThat(v300.entriesOutsideSections()).extracting(Entry::line).containsExactly(15, 16, 17, 21);
        assertThat(v300.entriesOutsideSections()).extracting(Entry::text).startsWith("Requests go over HTTP/2 when the server offers it.")
                .endsWith("The old `send()` signature is gone.");
        assertThat(log.find("2.0.0").orElseThrow().entriesOutsideSections()).hasSize(2);
        assertThat(log.find("1.0.0").orElseThrow().entriesOutsideSections()).as("bullets indented alike are siblings")
                .extracting(Entry::text).containsExactly("Bullets indented by two spaces, as some files write them.",
                        "Each is an entry of its own.\n    * A bullet indented further belongs to the one above.");
        assertThat(log.toJson()).contains("\"label\":\"3.0.0\"", "\"sections\":[],\"entriesOutsideSections\":[\"Requests go over HTTP/2"
                + " when the server offers it.\",\"Cookies are kept per host.\",\"Redirects keep the method on 307 and 308.\","
                + "\"The old `send()` signature is gone.\"]}");
    }
}

package monet.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random changelogs (every real-world variant mixed), random edits: an edit never changes or
 * loses a line it did not have to, and every other release reads exactly as before.
 */
class FuzzTest {
    private static final String[] WORDS = {"brush", "canvas", "gallery", "export", "`code`", "Übersicht", "日本", "🎨",
        "**bold**", "[link](https://x.y)", "## not-a-heading", "### Fix", "[1.0.0]", "-", "#", "~~~", "tab\there"};

    private static int applied;

    @Test
    void randomEditsNeverCorruptUnrelatedLines() {
        Random random = new Random(20241224L);
        applied = 0;
        for (int round = 0; round < 2500; round++) {
            Changelog log = Changelog.parse(generate(random).getBytes(StandardCharsets.UTF_8), "fuzz-" + round + ".md");
            for (int step = 0; step < 3; step++) {
                log = edit(random, log, round);
            }
        }
        assertThat(applied).as("edits applied (the rest were refused)").isGreaterThan(6000);
    }

    @Test
    void mangledFilesStillRoundTripAndNeverCrash() {
        Random random = new Random(42L);
        for (int round = 0; round < 2000; round++) {
            List<String> lines = new ArrayList<>(List.of(generate(random).split("(?<=\n)")));
            for (int k = random.nextInt(6); k > 0 && !lines.isEmpty(); k--) {
                int at = random.nextInt(lines.size());
                switch (random.nextInt(4)) {
                    case 0 -> lines.remove(at);
                    case 1 -> lines.add(at, lines.get(random.nextInt(lines.size())));
                    case 2 -> lines.set(at, lines.get(at).substring(0, random.nextInt(lines.get(at).length() + 1)));
                    default -> lines.add(at, pick(random, new String[] {"```\n", "~~~~\n", "<!--\n", "-->\n", "    ## [9.0.0]\n",
                        "## [\n", "## []\n", "### \n", "[]: x\n", "[x]:\n", "## v\n", "\uFEFF# T\n", "## 1.0.0 - 2024-01-01 [YANKED] x\n"}));
                }
            }
            byte[] bytes = String.join("", lines).getBytes(StandardCharsets.UTF_8);
            if (random.nextInt(10) == 0 && bytes.length > 0) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            Changelog log = Changelog.parse(bytes, "mangled.md");
            assertThat(log.bytes()).isEqualTo(bytes);
            log.lint();
            log.toJson();
            for (Release release : log.releases()) {
                log.notes(release.label());
            }
            edit(random, log, round);
        }
    }

    /** One random edit, checked; returns the edited log (or the same one after a refusal). */
    private static Changelog edit(Random random, Changelog log, int round) {
        String context = "round " + round + "\n" + log.text();
        boolean release = random.nextInt(3) == 0;
        Changelog after;
        Version next = null;
        ChangeType type = ChangeType.values()[random.nextInt(6)];
        String text = sentence(random) + (random.nextInt(5) == 0 ? "\n" + sentence(random) : "");
        try {
            if (release) {
                next = log.nextVersion(Bump.values()[random.nextInt(4)]);
                after = log.release(next, LocalDate.of(2025, 1, 1 + random.nextInt(28)));
            } else {
                after = log.add(type, text);
            }
        } catch (ChangelogException refused) {
            return log;
        }
        LineDiff diff = LineDiff.of(log.bytes(), after.bytes());
        String eol = new String(log.lines.eol(), StandardCharsets.UTF_8);
        for (String removed : diff.removed()) {
            boolean unterminatedLast = !removed.endsWith("\n");
            boolean link = release && (removed.toLowerCase().startsWith("[unreleased]:")
                    || removed.matches("(?is)##\\s*\\[unreleased\\]\\(.*"));
            assertThat(unterminatedLast || link).as("removed %s in %s", removed, context).isTrue();
        }
        List<String> afterLines = LineDiff.lines(after.bytes());
        for (String inserted : diff.inserted()) {
            boolean last = inserted.equals(afterLines.get(afterLines.size() - 1));
            assertThat(last || inserted.endsWith(eol) && !inserted.substring(0, inserted.length() - eol.length()).contains("\n"))
                    .as("line ending of %s in %s", inserted, context).isTrue();
        }
        for (Release old : log.releases()) {
            if (!old.isUnreleased() && after.find(old.label()).isPresent() && old.version() != null) {
                assertThat(after.notes(old.label())).as(context).isEqualTo(log.notes(old.label()));
            }
        }
        if (release) {
            assertThat(after.notes(next.toString())).as(context).isEqualTo(log.notes("unreleased"));
            assertThat(after.notes("unreleased")).as(context).isEmpty();
        } else {
            List<Entry> entries = after.unreleased().orElseThrow(() -> new AssertionError(context + "\n---\n" + after.text())).sections().stream().filter(s -> s.type() == type)
                    .findFirst().orElseThrow(() -> new AssertionError(context + "\n---\n" + after.text())).entries();
            assertThat(entries.get(entries.size() - 1).text().replace("\n  ", "\n")).as(context).isEqualTo(text.strip());
        }
        applied++;
        return after;
    }

    private static <T> T pick(Random random, T[] from) {
        return from[random.nextInt(from.length)];
    }

    private static String sentence(Random random) {
        StringBuilder s = new StringBuilder("Change");
        for (int i = random.nextInt(6); i > 0; i--) {
            s.append(' ').append(pick(random, WORDS));
        }
        return s.append('.').toString();
    }

    /** A random changelog mixing every real-world variant. */
    static String generate(Random random) {
        List<String> out = new ArrayList<>();
        boolean vPrefix = random.nextInt(4) == 0;
        boolean bracketed = random.nextInt(5) != 0;
        boolean links = random.nextBoolean();
        boolean blankAfterHeading = random.nextInt(4) != 0;
        String[] dateStyle = pick(random, new String[][] {{" - ", ""}, {" - ", ""}, {" (", ")"}, {" \u2013 ", ""}, {" ", ""}});
        if (random.nextInt(10) != 0) {
            out.add("# Changelog");
            out.add("");
            out.add("Notable changes. Format: [Keep a Changelog][kac].");
            out.add("");
        }
        if (random.nextInt(8) != 0) {
            out.add(random.nextInt(4) == 0 ? "## [unreleased]" : "## [Unreleased]");
            out.add("");
            sections(random, out, blankAfterHeading);
        }
        int versions = random.nextInt(6);
        List<String> labels = new ArrayList<>();
        long major = versions + 1;
        for (int i = 0; i < versions; i++) {
            String version = major-- + "." + random.nextInt(3) + "." + random.nextInt(3)
                    + (random.nextInt(6) == 0 ? "-rc." + (1 + random.nextInt(3)) : "") + (random.nextInt(10) == 0 ? "+b.7" : "");
            String label = (vPrefix ? "v" : "") + version;
            labels.add(label);
            String hashes = random.nextInt(12) == 0 ? pick(random, new String[] {"#", "###"}) : "##";
            out.add(hashes + " " + (bracketed ? "[" + label + "]" : label) + dateStyle[0] + "2024-0" + (9 - i) + "-1"
                    + random.nextInt(10) + dateStyle[1]
                    + (random.nextInt(8) == 0 ? pick(random, new String[] {" [YANKED]", " YANKED", " [yanked]"}) : ""));
            out.add("");
            if (random.nextInt(8) == 0) {
                out.add("- Loose " + sentence(random));
                out.add(random.nextBoolean() ? "" : "Some prose.");
                out.add("");
            }
            sections(random, out, blankAfterHeading);
        }
        if (links) {
            out.add("[kac]: https://keepachangelog.com/en/1.1.0/");
            if (!labels.isEmpty() && random.nextInt(5) != 0) {
                String stale = labels.get(random.nextInt(labels.size())).replace("v", "");
                out.add("[unreleased]: https://github.com/o/r/compare/" + (random.nextInt(6) == 0 ? "HEAD...v" + stale : "v" + stale + "...HEAD"));
            }
            for (int i = random.nextInt(4) == 0 ? 1 : 0; i < labels.size(); i++) {
                String tag = "v" + labels.get(i).replace("v", "");
                out.add("[" + labels.get(i) + "]: https://github.com/o/r/"
                        + (i + 1 < labels.size() ? "compare/v" + labels.get(i + 1).replace("v", "") + "..." + tag : "releases/tag/" + tag));
            }
        }
        String eol = random.nextInt(3) == 0 ? "\r\n" : "\n";
        String text = String.join(eol, out) + (random.nextInt(4) == 0 ? "" : eol);
        return (random.nextInt(15) == 0 ? "\uFEFF" : "") + text;
    }

    private static void sections(Random random, List<String> out, boolean blankAfterHeading) {
        for (ChangeType type : ChangeType.values()) {
            if (random.nextInt(3) != 0) {
                continue;
            }
            out.add((random.nextInt(15) == 0 ? "## " : "### ") + type.title());
            if (blankAfterHeading) {
                out.add("");
            }
            for (int i = random.nextInt(4); i >= 0; i--) {
                out.add("- " + sentence(random));
                switch (random.nextInt(6)) {
                    case 0 -> out.add("  - nested " + sentence(random));
                    case 1 -> out.add("  continued " + sentence(random));
                    case 2 -> {
                        String fence = random.nextBoolean() ? "```" : "~~~";
                        out.add("");
                        out.add("  " + fence);
                        out.add("## [0.0.1] - 2020-01-01");
                        out.add("### Fix");
                        out.add("  " + fence);
                    }
                    case 3 -> {
                        out.add("");
                        out.add("      ## [0.0.2] - indented code");
                    }
                    default -> { }
                }
            }
            out.add("");
        }
    }
}

package monet.changelog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import monet.changelog.Problem.Severity;

/** The lint rules; each problem names its rule (the {@code [rule]} in the output). */
final class Linter {
    private final Changelog log;
    private final List<Problem> problems = new ArrayList<>();

    Linter(Changelog log) {
        this.log = log;
    }

    List<Problem> run() {
        problems.addAll(log.parseProblems);
        title();
        unreleased();
        levels();
        versions();
        for (Release release : log.releases) {
            entriesOutsideSections(release);
            sections(release);
        }
        log.straySections.forEach(this::sectionAtLevelTwo);
        links();
        problems.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
        return List.copyOf(problems);
    }

    private void error(int line, int column, String rule, String message) {
        problems.add(new Problem(line, column, Severity.ERROR, rule, message));
    }

    private void warning(int line, int column, String rule, String message) {
        problems.add(new Problem(line, column, Severity.WARNING, rule, message));
    }

    private void title() {
        if (log.titleLine < 0) {
            error(1, 1, "title", "missing title: start the file with a '# Changelog' heading");
        }
    }

    private void unreleased() {
        Release first = null;
        for (Release release : log.releases) {
            if (!release.isUnreleased()) {
                continue;
            }
            Release.Heading h = release.heading();
            if (first != null) {
                error(release.line(), h.labelColumn, "unreleased",
                        "second [Unreleased] section (the first is at line " + first.line() + ")");
                continue;
            }
            first = release;
            if (release != log.releases.get(0)) {
                error(release.line(), h.labelColumn, "unreleased", "[Unreleased] must come before every released version");
            }
            if (h.dateText != null) {
                warning(release.line(), h.dateColumn, "unreleased-date", "[Unreleased] has a date; it gets one when released");
            }
        }
        if (first == null) {
            int line = log.releases.isEmpty() ? Math.max(1, log.titleLine + 1) : log.releases.get(0).line();
            error(line, 1, "unreleased", "missing '## [Unreleased]' section (where changes wait for the next release)");
        }
    }

    /** A release heading at another level than {@code ##} is read as a release all the same; this says how to fix it. */
    private void levels() {
        for (Release release : log.releases) {
            if (release.level != 2) {
                error(release.line(), 1, "heading-level", "release heading at level " + release.level + ": write '"
                        + release.heading().atLevelTwo() + "'");
            }
        }
    }

    private void versions() {
        Map<Version, Release> seen = new TreeMap<>();
        Release previous = null;
        for (Release release : log.releases) {
            if (release.isUnreleased()) {
                continue;
            }
            Release.Heading h = release.heading();
            int line = release.line();
            Version version = h.version;
            if (version == null) {
                error(line, h.labelColumn, "semver", h.label.isEmpty() ? "version heading without a version"
                        : "'" + h.label + "' is not a SemVer version (MAJOR.MINOR.PATCH, e.g. 1.4.0)");
            }
            String shown = h.label.isEmpty() ? "this version" : h.label;
            if (h.dateText == null) {
                error(line, h.text.length() + 1, "date", "released version " + shown + " has no date: write '## ["
                        + shown + "] - YYYY-MM-DD'");
            } else if (h.date == null) {
                error(line, h.dateColumn, "date", "'" + h.dateText + "' is not a valid ISO date (YYYY-MM-DD)");
            } else if (h.separator == null || !h.separator.equals("-")) {
                warning(line, h.separator == null ? h.dateColumn : h.separatorColumn, "heading",
                        "separate the version and the date with ' - '");
            }
            if (h.yanked && !h.yankedBracketed) {
                warning(line, h.yankedColumn, "yanked", "write the yanked mark as '[YANKED]'");
            }
            if (h.rest != null) {
                warning(line, h.restColumn, "heading", "unexpected text after the version and date: '" + h.rest + "'");
            }
            if (release.isEmpty() && h.yanked && release.hasProse()) {
                warning(line, 1, "empty-release", "yanked version " + shown + " has no entries, only prose (fine for a yanked release)");
            } else if (release.isEmpty()) {
                error(line, 1, "empty-release", "released version " + shown + " has no entries");
            }
            if (version == null) {
                continue;
            }
            Release duplicate = seen.putIfAbsent(version, release);
            if (duplicate != null) {
                error(line, h.labelColumn, "duplicate", "version " + version + " appears twice (also at line "
                        + duplicate.line() + ")");
                continue;
            }
            if (previous != null) {
                boolean olderAbove = version.compareTo(previous.version()) > 0;
                boolean datesKnown = h.date != null && previous.date() != null;
                String listed = "version " + h.label + " is listed below older version " + previous.label() + " (line "
                        + previous.line() + ")";
                if (olderAbove && datesKnown && !h.date.isAfter(previous.date())) {
                    warning(line, h.labelColumn, "order", listed + ", allowed because the dates are in order"
                            + " (maintenance releases listed by date); otherwise list newest first");
                } else if (olderAbove) {
                    error(line, h.labelColumn, "order", listed + ": newest first");
                } else if (datesKnown && h.date.isAfter(previous.date())) {
                    warning(line, h.dateColumn, "date-order", "date " + h.dateText + " is later than that of "
                            + previous.label() + " above it (" + previous.dateText() + ")");
                }
            }
            previous = release;
        }
    }

    /** One problem per list of entries outside a section (its first and last line), not one per entry. */
    private void entriesOutsideSections(Release release) {
        List<Section.EntrySpan> entries = release.looseEntries;
        for (int first = 0, last = 0; first < entries.size(); first = ++last) {
            while (last + 1 < entries.size() && onlyBlankBetween(entries.get(last).lastLine, entries.get(last + 1).firstLine)) {
                last++;
            }
            int firstLine = entries.get(first).firstLine + 1;
            int lastLine = entries.get(last).lastLine + 1;
            int count = last - first + 1;
            error(firstLine, 1, "outside-section", count == 1
                    ? "entry outside a section (line " + firstLine + "): put it under " + SECTIONS
                    : count + " entries outside a section (lines " + firstLine + " to " + lastLine + "): put them under " + SECTIONS);
        }
    }

    private static final String SECTIONS = "'### Added', '### Changed', '### Fixed', ...";

    private boolean onlyBlankBetween(int above, int below) {
        for (int line = above + 1; line < below; line++) {
            if (!log.lines.blank(line)) {
                return false;
            }
        }
        return true;
    }

    /** {@code ## Changed}: one problem, and its entries are the section's (no problem each). */
    private void sectionAtLevelTwo(Section section) {
        error(section.line(), 1, "heading-level", "section heading at level 2: did you mean '### " + section.type().title() + "'?");
    }

    private void sections(Release release) {
        Map<ChangeType, Section> seen = new HashMap<>();
        ChangeType latest = null;
        for (Section section : release.sections) {
            int line = section.line();
            int column = section.nameColumn();
            ChangeType type = section.type();
            if (section.level != 3) {
                sectionAtLevelTwo(section);
                continue;
            }
            if (type == null) {
                ChangeType near = ChangeType.nearest(section.name());
                error(line, column, "section-type", "unknown section type '" + section.name() + "' "
                        + (near != null ? "(did you mean '" + near.title() + "'?)"
                                : "(use Added, Changed, Deprecated, Removed, Fixed or Security)"));
                continue;
            }
            if (!type.title().equals(section.name())) {
                warning(line, column, "section-type", "write '" + type.title() + "', not '" + section.name() + "'");
            }
            Section first = seen.putIfAbsent(type, section);
            if (first != null) {
                warning(line, column, "duplicate-section", "second '" + type.title() + "' section in " + release.label()
                        + " (the first is at line " + first.line() + ")");
            } else if (latest != null && type.ordinal() < latest.ordinal()) {
                warning(line, column, "section-order", "'" + type.title() + "' should come before '" + latest.title()
                        + "' (order: Added, Changed, Deprecated, Removed, Fixed, Security)");
            }
            if (latest == null || type.ordinal() > latest.ordinal()) {
                latest = type;
            }
            if (section.entries.isEmpty()) {
                warning(line, column, "empty-section", "section '" + section.name() + "' has no entries");
            }
        }
    }

    private void links() {
        Map<String, LinkDefinition> definitions = new HashMap<>();
        for (LinkDefinition link : log.linkDefinitions()) {
            LinkDefinition first = definitions.putIfAbsent(link.key(), link);
            if (first != null) {
                warning(link.line(), 2, "link-duplicate", "second definition of '[" + link.label()
                        + "]' (line " + first.line() + " wins)");
            }
        }
        Map<String, Release> headings = new HashMap<>();
        int linkedVersions = 0;
        for (Release release : log.releases) {
            String key = LinkDefinition.key(release.label());
            headings.putIfAbsent(key, release);
            if (!release.isUnreleased() && (release.inlineLink() != null || definitions.containsKey(key))) {
                linkedVersions++;
            }
        }
        if (linkedVersions > 0) {
            for (Release release : log.releases) {
                String key = LinkDefinition.key(release.label());
                if (release.inlineLink() != null || definitions.containsKey(key) || release.label().isEmpty()) {
                    continue;
                }
                String message = release.label() + " has no link definition ('[" + release.label()
                        + "]: URL') while other versions have one";
                if (release.isUnreleased()) {
                    warning(release.line(), release.heading().labelColumn, "link-missing", message);
                } else {
                    error(release.line(), release.heading().labelColumn, "link-missing", message);
                }
            }
        }
        for (LinkDefinition link : definitions.values()) {
            boolean versionLike = link.key().equals("unreleased") || Version.tryParse(link.label().trim()) != null;
            if (versionLike && !headings.containsKey(link.key())) {
                error(link.line(), 2, "link-unused", "link definition '[" + link.label() + "]' is not used by any version heading");
            }
        }
    }
}

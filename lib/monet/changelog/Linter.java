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
        versions();
        for (Release release : log.releases) {
            sections(release);
        }
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
            if (release.isEmpty()) {
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
                if (version.compareTo(previous.version()) > 0) {
                    error(line, h.labelColumn, "order", "version " + h.label + " is listed below older version "
                            + previous.label() + " (line " + previous.line() + "): newest first");
                } else if (h.date != null && previous.date() != null && h.date.isAfter(previous.date())) {
                    warning(line, h.dateColumn, "date-order", "date " + h.dateText + " is later than that of "
                            + previous.label() + " above it (" + previous.dateText() + ")");
                }
            }
            previous = release;
        }
    }

    private void sections(Release release) {
        for (Section.EntrySpan entry : release.looseEntries) {
            error(entry.firstLine + 1, 1, "outside-section",
                    "entry outside a section: put it under '### Added', '### Changed', '### Fixed', ...");
        }
        Map<ChangeType, Section> seen = new HashMap<>();
        ChangeType latest = null;
        for (Section section : release.sections) {
            int line = section.line();
            int column = section.nameColumn();
            ChangeType type = section.type();
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

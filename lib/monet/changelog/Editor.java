package monet.changelog;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Edits as line splices: lines inserted before a line, or one line's content replaced (keeping its
 * line ending). Every other byte of the file is copied through untouched. New lines use the file's
 * line ending; a file without a final newline still has none after an edit.
 */
final class Editor {
    private final Changelog log;
    private final Changelog.Lines lines;
    private final TreeMap<Integer, List<String>> inserts = new TreeMap<>();
    private final Map<Integer, String> replacements = new HashMap<>();

    private Editor(Changelog log) {
        this.log = log;
        this.lines = log.lines;
    }

    static byte[] add(Changelog log, ChangeType type, String text) {
        Editor editor = new Editor(log);
        List<String> entry = editor.entryLines(text);
        boolean blankAfterHeading = editor.blankAfterSectionHeading();
        List<String> newSection = new ArrayList<>(List.of("### " + type.title()));
        if (blankAfterHeading) {
            newSection.add("");
        }
        newSection.addAll(entry);
        Optional<Release> unreleased = log.unreleased();
        if (unreleased.isEmpty()) {
            List<String> block = new ArrayList<>(List.of("## [Unreleased]", ""));
            block.addAll(newSection);
            int at = log.releases.isEmpty() ? editor.afterContent(0, log.trailingLinks) : log.releases.get(0).headingLine;
            editor.insertPadded(at, block);
            return editor.apply();
        }
        Release release = unreleased.get();
        Section same = null;
        Section next = null;
        for (Section section : release.sections) {
            if (section.type() == type && same == null) {
                same = section;
            } else if (section.type() != null && section.type().ordinal() > type.ordinal() && next == null) {
                next = section;
            }
        }
        if (same != null && !same.entries.isEmpty()) {
            editor.insert(same.entries.get(same.entries.size() - 1).lastLine + 1, entry);
        } else if (same != null) {
            List<String> block = new ArrayList<>(blankAfterHeading ? List.of("") : List.of());
            block.addAll(entry);
            int at = same.headingLine + 1;
            if (at < editor.lines.count && !editor.lines.blank(at)) {
                block.add("");
            }
            editor.insert(at, block);
        } else if (next != null) {
            editor.insertPadded(next.headingLine, newSection);
        } else {
            editor.insertPadded(editor.afterContent(release.headingLine, release.endLine), newSection);
        }
        return editor.apply();
    }

    static byte[] release(Changelog log, Version version, LocalDate date) {
        Release unreleased = log.unreleased().orElseThrow(() ->
                new ChangelogException(log.name + ": there is no [Unreleased] section to release"));
        if (unreleased.isEmpty()) {
            throw new ChangelogException(log.name + ": [Unreleased] (line " + unreleased.line()
                    + ") has no entries: nothing to release");
        }
        for (Release release : log.releases) {
            if (release.version() != null && release.version().compareTo(version) == 0) {
                throw new ChangelogException(log.name + ": version " + version + " already exists (line "
                        + release.line() + ")");
            }
        }
        Optional<Version> highest = log.highestVersion();
        if (highest.isPresent() && version.compareTo(highest.get()) <= 0) {
            throw new ChangelogException(log.name + ": version " + version + " is not greater than the latest version "
                    + highest.get());
        }
        Editor editor = new Editor(log);
        Release top = log.latest().orElse(null);
        Release.Heading style = top != null ? top.heading() : unreleased.heading();
        String label = (top != null && top.heading().vPrefixed() ? top.label().substring(0, 1) : "") + version;
        Links links = Links.derive(log, unreleased, top);
        boolean inline = style.inlineUrl != null;
        String tag = links == null ? null : links.prefix + version;
        String heading = "## " + (style.bracketed || inline ? "[" + label + "]" : label)
                + (inline && links != null ? "(" + links.versionUrl(tag) + ")" : "") + " - " + date;
        editor.insert(unreleased.headingLine + 1, List.of("", heading));
        if (links != null) {
            editor.updateLinks(links, unreleased, top, label, tag);
        }
        return editor.apply();
    }

    private void updateLinks(Links links, Release unreleased, Release top, String label, String tag) {
        Release.Heading u = unreleased.heading();
        if (u.inlineUrl != null) {
            replacements.put(unreleased.headingLine, u.text.substring(0, u.inlineUrlStart) + links.unreleasedUrl(tag)
                    + u.text.substring(u.inlineUrlEnd));
        }
        if (top != null && top.heading().inlineUrl != null) {
            return;
        }
        LinkDefinition unreleasedLink = definition("unreleased");
        LinkDefinition topLink = top == null ? null : definition(top.label());
        String versionLink = "[" + label + "]: " + links.versionUrl(tag);
        if (unreleasedLink != null) {
            int line = unreleasedLink.line() - 1;
            replacements.put(line, "[" + unreleasedLink.label() + "]: " + links.unreleasedUrl(tag));
            insert(line + 1, List.of(versionLink));
        } else if (topLink != null) {
            insert(topLink.line() - 1, List.of(versionLink));
        } else if (!log.linkDefinitions().isEmpty()) {
            insert(log.linkDefinitions().get(log.linkDefinitions().size() - 1).line(), List.of(versionLink));
        } else if (u.inlineUrl == null) {
            insertPadded(lines.count, allDefinitions(links, label, tag));
        }
    }

    /** For a file without links: definitions for [Unreleased], the new version and every older one. */
    private List<String> allDefinitions(Links links, String label, String tag) {
        List<String> labels = new ArrayList<>(List.of(label));
        List<String> tags = new ArrayList<>(List.of(tag));
        for (Release release : log.releases) {
            if (!release.isUnreleased() && release.version() != null) {
                labels.add(release.label());
                tags.add(links.prefix + release.version());
            }
        }
        List<String> block = new ArrayList<>(List.of("[unreleased]: " + links.unreleasedUrl(tag)));
        for (int i = 0; i < labels.size(); i++) {
            block.add("[" + labels.get(i) + "]: " + links.versionUrl(tags.get(i), i + 1 < tags.size() ? tags.get(i + 1) : null));
        }
        return block;
    }

    private LinkDefinition definition(String label) {
        String key = LinkDefinition.key(label);
        for (LinkDefinition link : log.linkDefinitions()) {
            if (link.key().equals(key)) {
                return link;
            }
        }
        return null;
    }

    /** The entry's lines: the file's bullet on the first (replacing one typed there), two spaces before each further line. */
    private List<String> entryLines(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.strip().split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            String first = line.strip();
            if (out.isEmpty() && first.length() > 2 && "-*+".indexOf(first.charAt(0)) >= 0 && first.charAt(1) == ' ') {
                first = first.substring(2).strip();
            }
            out.add(out.isEmpty() ? bullet() + " " + first : "  " + line.stripTrailing());
        }
        if (out.isEmpty()) {
            throw ChangelogException.usage("the entry text is empty");
        }
        return out;
    }

    /** The bullet the file's entries use, {@code -} by default. */
    private char bullet() {
        for (Release release : log.releases) {
            for (Section section : release.sections) {
                for (Section.EntrySpan entry : section.entries) {
                    String first = lines.text(entry.firstLine).strip();
                    return first.charAt(0);
                }
            }
        }
        return '-';
    }

    /** Whether the file puts a blank line after a {@code ###} heading (yes by default). */
    private boolean blankAfterSectionHeading() {
        for (Release release : log.releases) {
            for (Section section : release.sections) {
                if (section.headingLine + 1 < lines.count && !section.entries.isEmpty()) {
                    return lines.blank(section.headingLine + 1);
                }
            }
        }
        return true;
    }

    /** The line after the last non-blank line of {@code [from, to)}, or {@code from} if all are blank. */
    private int afterContent(int from, int to) {
        int last = to - 1;
        while (last >= from && lines.blank(last)) {
            last--;
        }
        return Math.max(from, last + 1);
    }

    private void insert(int at, List<String> block) {
        inserts.computeIfAbsent(at, k -> new ArrayList<>()).addAll(block);
    }

    /** Inserts a block with a blank line before and after it unless one is already there. */
    private void insertPadded(int at, List<String> block) {
        List<String> padded = new ArrayList<>();
        if (at > 0 && !lines.blank(at - 1)) {
            padded.add("");
        }
        padded.addAll(block);
        if (at < lines.count && !lines.blank(at)) {
            padded.add("");
        }
        insert(at, padded);
    }

    private byte[] apply() {
        byte[] source = lines.bytes;
        byte[] eol = lines.eol();
        ByteArrayOutputStream out = new ByteArrayOutputStream(source.length + 256);
        for (int line = 0; line < lines.count; line++) {
            for (String inserted : inserts.getOrDefault(line, List.of())) {
                out.writeBytes(inserted.getBytes(StandardCharsets.UTF_8));
                out.writeBytes(eol);
            }
            String replacement = replacements.get(line);
            if (replacement == null) {
                out.write(source, lines.starts[line], lines.starts[line + 1] - lines.starts[line]);
            } else {
                out.write(source, lines.starts[line], lines.contentStart(line) - lines.starts[line]);
                out.writeBytes(replacement.getBytes(StandardCharsets.UTF_8));
                int e = lines.contentEnd(line);
                out.write(source, e, lines.starts[line + 1] - e);
            }
        }
        List<String> atEnd = inserts.getOrDefault(lines.count, List.of());
        if (!atEnd.isEmpty()) {
            boolean finalNewline = lines.count == 0 || lines.terminated(lines.count - 1);
            if (!finalNewline) {
                out.writeBytes(eol);
            }
            for (int i = 0; i < atEnd.size(); i++) {
                out.writeBytes(atEnd.get(i).getBytes(StandardCharsets.UTF_8));
                if (finalNewline || i + 1 < atEnd.size()) {
                    out.writeBytes(eol);
                }
            }
        }
        return out.toByteArray();
    }
}

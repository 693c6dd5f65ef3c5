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
            List<String> block = new ArrayList<>(List.of(editor.newUnreleased(), ""));
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
        } else if (same != null && editor.afterContent(same.headingLine + 1, same.endLine) > same.headingLine + 1) {
            // Text or code but no list yet: the entry goes after it, so that indented code stays where it was
            // instead of becoming part of the new entry.
            editor.insertPadded(editor.afterContent(same.headingLine + 1, same.endLine), entry);
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
        Links links = Links.derive(log, unreleased);
        if (links == null) {
            links = Links.fromRepository(log);
        }
        Release previous = log.releasedBelow(version);
        String tag = links == null ? null : links.prefix + version;
        String previousTag = links == null || previous == null ? null : links.tagOf(log, previous);
        boolean inline = style.inlineUrl != null;
        String heading = style.like((style.bracketed || inline ? "[" + label + "]" : label)
                + (inline && links != null ? "(" + links.versionUrl(tag, previousTag) + ")" : ""), date);
        editor.insert(unreleased.headingLine + 1, List.of("", heading));
        if (links != null) {
            editor.updateLinks(links, unreleased, inline, label, tag, previousTag);
        }
        return editor.apply();
    }

    /**
     * {@code ## [Unreleased]}, linked as the file links its versions: inline in the heading, or by
     * a definition added beside the others.
     */
    private String newUnreleased() {
        Links links = Links.derive(log, null);
        Release highest = log.highestVersion().flatMap(version -> log.find(version.toString())).orElse(null);
        if (links == null || !links.versionsLinked || highest == null) {
            return "## [Unreleased]";
        }
        String url = links.unreleasedUrl(links.tagOf(log, highest));
        if (log.latest().map(Release::inlineLink).isPresent()) {
            return "## [Unreleased](" + url + ")";
        }
        if (log.definition("unreleased") == null) {
            insertDefinitions(List.of("[unreleased]: " + url), null);
        }
        return "## [Unreleased]";
    }

    /**
     * [Unreleased]'s link now compares from the new tag; the new version's compares from the
     * version below it. When the file links its versions, none is left without: [Unreleased] gets
     * a definition if it had none, and so do versions above the first linked one (released
     * without links), each comparing from the version below it.
     */
    private void updateLinks(Links links, Release unreleased, boolean inline, String label, String tag, String previousTag) {
        Release.Heading u = unreleased.heading();
        if (u.inlineUrl != null) {
            replacements.put(unreleased.headingLine, u.text.substring(0, u.inlineUrlStart) + links.unreleasedUrl(tag)
                    + u.text.substring(u.inlineUrlEnd));
        }
        if (inline) {
            return;
        }
        LinkDefinition unreleasedLink = log.definition("unreleased");
        if (unreleasedLink != null) {
            replacements.put(unreleasedLink.line() - 1, "[" + unreleasedLink.label() + "]: " + links.unreleasedUrl(tag));
        }
        if (!links.versionsLinked) {
            return;
        }
        List<String> block = new ArrayList<>();
        if (unreleasedLink == null && u.inlineUrl == null) {
            block.add("[unreleased]: " + links.unreleasedUrl(tag));
        }
        block.add("[" + label + "]: " + links.versionUrl(tag, previousTag));
        for (Release release : log.releases) {
            if (release.isUnreleased() || release.version() == null) {
                continue;
            }
            if (log.linkOf(release) != null) {
                break;
            }
            if (release.date() == null) {
                continue; // not released yet ('## 5.0.0 - TBD'): no tag to link to
            }
            Release below = log.releasedBelow(release.version());
            block.add("[" + release.label() + "]: " + links.versionUrl(links.tagOf(log, release),
                    below == null ? null : links.tagOf(log, below)));
        }
        insertDefinitions(block, unreleasedLink);
    }

    /**
     * Link definitions go where the file keeps them: after [unreleased]'s, else before the first
     * linked version's, else after the last definition, else at the end.
     */
    private void insertDefinitions(List<String> block, LinkDefinition unreleasedLink) {
        if (unreleasedLink != null) {
            insert(unreleasedLink.line(), block);
            return;
        }
        for (Release release : log.releases) {
            LinkDefinition first = release.isUnreleased() || release.version() == null ? null : log.definition(release.label());
            if (first != null) {
                insert(first.line() - 1, block);
                return;
            }
        }
        List<LinkDefinition> all = log.linkDefinitions();
        if (!all.isEmpty()) {
            insert(all.get(all.size() - 1).line(), block);
        } else {
            insertPadded(lines.count, block);
        }
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

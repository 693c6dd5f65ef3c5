package monet.changelog;

import java.util.List;

/**
 * A {@code ### Type} section of a release: its heading's 1-based line, name as written, type (null if unknown) and
 * entries. A {@code ##} heading named like a type ({@code ## Changed}, a slip that lint reports) is a section too.
 */
public final class Section {
    final int headingLine;
    /** The heading's level: 3, or 2 for a {@code ##} heading named like a type. */
    final int level;
    int endLine;
    private final Changelog.Lines lines;
    private String name;
    private ChangeType type;
    private int nameColumn;
    final java.util.ArrayList<EntrySpan> entries = new java.util.ArrayList<>();

    Section(Changelog.Lines lines, int headingLine, int level) {
        this.lines = lines;
        this.headingLine = headingLine;
        this.level = level;
    }

    /** The name a heading line gives: without its hashes, surrounding blanks and closing hashes. */
    static String name(String text) {
        int at = nameStart(text);
        return text.substring(at, nameEnd(text, at));
    }

    private static int nameStart(String text) {
        int at = 0;
        while (at < text.length() && text.charAt(at) == ' ') {
            at++;
        }
        while (at < text.length() && text.charAt(at) == '#') {
            at++;
        }
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
        return at;
    }

    private static int nameEnd(String text, int at) {
        int end = text.length();
        while (end > at && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t' || text.charAt(end - 1) == '#')) {
            end--;
        }
        return end;
    }

    /** Reads the heading on first use. */
    private void read() {
        if (name != null) {
            return;
        }
        String text = lines.text(headingLine);
        int at = nameStart(text);
        name = text.substring(at, nameEnd(text, at));
        nameColumn = Release.Heading.column(text, at);
        type = level == 3 ? ChangeType.of(name) : ChangeType.named(name);
    }

    /** The name's 1-based column. */
    int nameColumn() {
        read();
        return nameColumn;
    }

    /** The heading's line, 1-based. */
    int line() {
        return headingLine + 1;
    }

    /** The name as written: {@code Added}, {@code fixed}, {@code Fix}. */
    public String name() {
        read();
        return name;
    }

    /** The type it names (ignoring case), or null when it names none. */
    ChangeType type() {
        read();
        return type;
    }

    /** Its list items. */
    public List<Entry> entries() {
        return EntrySpan.toEntries(entries);
    }

    /** An entry's lines, first and last (0-based, inclusive). */
    static final class EntrySpan {
        final int firstLine;
        int lastLine;
        final Changelog.Lines lines;

        EntrySpan(Changelog.Lines lines, int firstLine) {
            this.lines = lines;
            this.firstLine = firstLine;
            this.lastLine = firstLine;
        }

        String text() {
            StringBuilder text = new StringBuilder();
            String first = lines.text(firstLine);
            int i = 0;
            while (i < first.length() && (first.charAt(i) == ' ' || first.charAt(i) == '\t')) {
                i++;
            }
            i++;
            while (i < first.length() && (first.charAt(i) == ' ' || first.charAt(i) == '\t')) {
                i++;
            }
            text.append(first, i, first.length());
            for (int line = firstLine + 1; line <= lastLine; line++) {
                text.append('\n').append(lines.text(line));
            }
            return text.toString();
        }

        static List<Entry> toEntries(List<EntrySpan> spans) {
            List<Entry> out = new java.util.ArrayList<>(spans.size());
            for (EntrySpan span : spans) {
                out.add(new Entry(span.firstLine + 1, span.text()));
            }
            return List.copyOf(out);
        }
    }
}

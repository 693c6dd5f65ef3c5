package monet.changelog;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A release: {@code [Unreleased]} or a version, with its date, yanked flag, link and
 * {@link Section}s, as the heading wrote them. Its heading is a {@code ##} one, or a heading of
 * another level that names a version (a slip that lint reports).
 */
public final class Release {
    final int headingLine;
    /** The heading's level: 2, or the level of a heading that names a version ({@code # [1.0.0]}). */
    final int level;
    int endLine;
    private final Changelog.Lines lines;
    private Heading heading;
    final List<Section> sections = new ArrayList<>();
    /** Entries directly under the heading, outside any {@code ###} section. */
    final List<Section.EntrySpan> looseEntries = new ArrayList<>();

    Release(Changelog.Lines lines, int headingLine, int level, Heading heading) {
        this.lines = lines;
        this.headingLine = headingLine;
        this.level = level;
        this.heading = heading;
    }

    /** The heading taken apart, on first use (a {@code notes} run reads only the headings it passes). */
    Heading heading() {
        if (heading == null) {
            heading = Heading.parse(lines.text(headingLine));
        }
        return heading;
    }

    /** The heading's line, 1-based. */
    int line() {
        return headingLine + 1;
    }

    /** The label as written: {@code Unreleased}, {@code 1.2.0}, {@code v1.2.0}. */
    public String label() {
        return heading().label;
    }

    /** True for the {@code [Unreleased]} section. */
    boolean isUnreleased() {
        return heading().unreleased;
    }

    /** The SemVer version, or null for [Unreleased] or a label that is not SemVer. */
    Version version() {
        return heading().version;
    }

    /** The ISO date, or null when missing or invalid. */
    LocalDate date() {
        return heading().date;
    }

    /** The date as written, or null. */
    public String dateText() {
        return heading().dateText;
    }

    /** True when marked {@code [YANKED]} (or {@code YANKED}). */
    public boolean isYanked() {
        return heading().yanked;
    }

    /** The link written inline in the heading ({@code ## [1.2.0](URL)}), or null. */
    String inlineLink() {
        return heading().inlineUrl;
    }

    /** Its {@code ###} sections, in file order. */
    public List<Section> sections() {
        return List.copyOf(sections);
    }

    /** Its list items that are under no {@code ###} section (usually a slip: lint reports them). */
    public List<Entry> entriesOutsideSections() {
        return Section.EntrySpan.toEntries(looseEntries);
    }

    /** True when it has no list entries at all. */
    public boolean isEmpty() {
        if (!looseEntries.isEmpty()) {
            return false;
        }
        for (Section section : sections) {
            if (!section.entries.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** True when its body has a paragraph of text (outside lists, code and comments). */
    boolean hasProse() {
        for (int line = headingLine + 1; line < endLine; line++) {
            if (lines.kinds[line] == Parser.TEXT) {
                return true;
            }
        }
        return false;
    }

    /** The types of its sections that have entries. */
    List<ChangeType> changeTypes() {
        List<ChangeType> types = new ArrayList<>();
        for (Section section : sections) {
            if (section.type() != null && !section.entries.isEmpty() && !types.contains(section.type())) {
                types.add(section.type());
            }
        }
        return types;
    }

    @Override
    public String toString() {
        return "## " + label() + (dateText() != null ? " - " + dateText() : "");
    }

    /** A release heading taken apart; columns are 1-based character columns, indexes are into {@link #text}. */
    static final class Heading {
        String text;
        String label = "";
        int labelColumn = 4;
        /** Where the label ends: after its {@code ]} and inline link, if any. */
        int labelEnd;
        boolean bracketed;
        String inlineUrl;
        int inlineUrlStart = -1;
        int inlineUrlEnd = -1;
        boolean unreleased;
        Version version;
        String dateText;
        int dateColumn;
        int dateStart;
        /** True for {@code (2024-01-01)}. */
        boolean dateParenthesized;
        LocalDate date;
        boolean yanked;
        boolean yankedBracketed;
        int yankedColumn;
        String separator;
        int separatorColumn;
        String rest;
        int restColumn;

        boolean vPrefixed() {
            return label.startsWith("v") || label.startsWith("V");
        }

        /**
         * The heading of another release written like this one: {@code ## LABEL}, then the date
         * with this heading's separator and parentheses ({@code " - DATE"} when it has no date).
         */
        String like(String newLabel, LocalDate newDate) {
            return date == null ? "## " + newLabel + " - " + newDate
                    : "## " + newLabel + text.substring(labelEnd, dateStart) + newDate + (dateParenthesized ? ")" : "");
        }

        /** The heading text with {@code ##} for its hashes: what it should read at the right level. */
        String atLevelTwo() {
            int i = skip(text, 0);
            while (i < text.length() && text.charAt(i) == '#') {
                i++;
            }
            return "##" + text.substring(i).stripTrailing();
        }

        /** Parses the text of a release heading line ({@code line}, without its line ending). */
        static Heading parse(String line) {
            Heading h = new Heading();
            h.text = line;
            int i = skip(line, 0);
            while (i < line.length() && line.charAt(i) == '#') {
                i++;
            }
            i = skip(line, i);
            int end = line.length();
            while (end > i && Character.isWhitespace(line.charAt(end - 1))) {
                end--;
            }
            h.labelColumn = column(line, i);
            if (i < end && line.charAt(i) == '[') {
                int close = line.indexOf(']', i + 1);
                if (close < 0 || close > end) {
                    close = end;
                }
                h.bracketed = close < end;
                h.label = line.substring(i + 1, close).trim();
                h.labelColumn = column(line, i + 1);
                i = Math.min(close + 1, end);
                if (i < end && line.charAt(i) == '(') {
                    int closeParen = line.indexOf(')', i + 1);
                    if (closeParen > 0 && closeParen < end) {
                        h.inlineUrl = line.substring(i + 1, closeParen).trim();
                        h.inlineUrlStart = i + 1;
                        h.inlineUrlEnd = closeParen;
                        i = closeParen + 1;
                    }
                }
            } else {
                int start = i;
                while (i < end && !Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                h.label = line.substring(start, i);
            }
            h.labelEnd = i;
            h.unreleased = h.label.equalsIgnoreCase("unreleased");
            h.version = h.unreleased ? null : Version.tryParse(h.label);
            i = skip(line, i);
            if (i < end && "-\u2013\u2014/".indexOf(line.charAt(i)) >= 0) {
                // ' - ' as Keep a Changelog writes it; real files also use an en or em dash, '--' and ' / '.
                int start = i;
                while (i < end && line.charAt(i) == line.charAt(start)) {
                    i++;
                }
                h.separator = line.substring(start, i);
                h.separatorColumn = column(line, start);
                i = skip(line, i);
            }
            if (i < end) {
                boolean paren = line.charAt(i) == '(';
                int start = paren ? i + 1 : i;
                int stop = start;
                while (stop < end && (Character.isDigit(line.charAt(stop)) || line.charAt(stop) == '-'
                        || line.charAt(stop) == '/' || line.charAt(stop) == '.')) {
                    stop++;
                }
                if (stop > start && Character.isDigit(line.charAt(start))) {
                    h.dateText = line.substring(start, stop);
                    h.dateColumn = column(line, start);
                    h.dateStart = start;
                    h.date = isoDate(h.dateText);
                    h.dateParenthesized = paren && stop < end && line.charAt(stop) == ')';
                    i = h.dateParenthesized ? stop + 1 : stop;
                    i = skip(line, i);
                }
            }
            if (i < end) {
                String tail = line.substring(i, end);
                String upper = tail.toUpperCase(Locale.ROOT);
                if (upper.equals("[YANKED]") || upper.equals("YANKED")) {
                    h.yanked = true;
                    h.yankedBracketed = upper.startsWith("[");
                    h.yankedColumn = column(line, i);
                } else {
                    h.rest = tail;
                    h.restColumn = column(line, i);
                }
            }
            return h;
        }

        /** A strict {@code YYYY-MM-DD} calendar date, or null (by hand: {@code LocalDate.parse} is slow). */
        static LocalDate isoDate(String text) {
            if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
                return null;
            }
            int[] value = new int[3];
            int part = 0;
            for (int k = 0; k < 10; k++) {
                char c = text.charAt(k);
                if (k == 4 || k == 7) {
                    part++;
                } else if (c >= '0' && c <= '9') {
                    value[part] = value[part] * 10 + (c - '0');
                } else {
                    return null;
                }
            }
            int month = value[1];
            int day = value[2];
            if (month < 1 || month > 12 || day < 1 || day > java.time.YearMonth.of(value[0], month).lengthOfMonth()) {
                return null;
            }
            return LocalDate.of(value[0], month, day);
        }

        private static int skip(String line, int i) {
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            return i;
        }

        static int column(String line, int index) {
            return line.codePointCount(0, Math.min(index, line.length())) + 1;
        }
    }
}

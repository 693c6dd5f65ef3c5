package monet.changelog;

/**
 * One pass over the lines, on the bytes: tracks code fences, indented code and HTML comments (whose
 * {@code ##} lines are not headings) and records where releases, sections, entries and link
 * definitions are. Nothing is decoded to a string here: headings and link definitions are read on
 * first use, so {@code notes} on a large file reads only the headings it passes.
 */
final class Parser {
    static final byte BLANK = 0, TEXT = 1, TITLE = 2, RELEASE = 3, SECTION = 4, HEADING = 5, BULLET = 6,
            LINK = 7, CODE = 8, INDENTED = 9, COMMENT = 10;

    private final byte[] b;
    private final Changelog.Lines lines;
    private final Changelog doc;
    private Release release;
    /** The heading {@link #namesARelease} took apart, for the release it starts. */
    private Release.Heading releaseHeading;
    private Section section;
    private Section.EntrySpan entry;
    private int blankSinceEntry;
    private int fenceLine = -1;
    private byte fenceChar;
    private int fenceLength;
    private boolean fenceInEntry;
    private boolean inComment;
    private int commentLine;

    private Parser(Changelog doc) {
        this.doc = doc;
        this.lines = doc.lines;
        this.b = lines.bytes;
    }

    static void parse(Changelog doc) {
        new Parser(doc).run();
    }

    private void run() {
        int count = lines.count;
        byte[] kinds = lines.kinds;
        for (int line = 0; line < count; line++) {
            kinds[line] = classify(line, lines.contentStart(line), lines.contentEnd(line));
        }
        if (inComment) {
            doc.problem(commentLine, 1, Problem.Severity.ERROR, "unclosed-comment",
                    "HTML comment is never closed: every heading after it is hidden");
        }
        if (fenceLine >= 0) {
            doc.problem(fenceLine, 1, Problem.Severity.ERROR, "unclosed-fence",
                    "code fence is never closed: every heading after it is read as code");
        }
        int trailing = count;
        for (int line = count - 1; line >= 0 && (kinds[line] == BLANK || kinds[line] == LINK); line--) {
            if (kinds[line] == LINK) {
                trailing = line;
            }
        }
        doc.trailingLinks = trailing;
        close(Math.min(count, trailing));
    }

    private byte classify(int line, int s, int e) {
        if (fenceLine >= 0) {
            if (closesFence(s, e)) {
                fenceLine = -1;
            }
            if (fenceInEntry) {
                entry.lastLine = line;
            }
            return CODE;
        }
        if (inComment) {
            inComment = indexOf(s, e, "-->") < 0;
            return COMMENT;
        }
        int i = s;
        int indent = 0;
        while (i < e && indent < 4) {
            if (b[i] == ' ') {
                indent++;
            } else if (b[i] == '\t') {
                indent += 4;
            } else {
                break;
            }
            i++;
        }
        if (i == e) {
            blankSinceEntry++;
            return BLANK;
        }
        if (indent >= 4) {
            continueEntry(line, true);
            return INDENTED;
        }
        byte c = b[i];
        switch (c) {
            case '#': {
                int level = 0;
                while (i + level < e && b[i + level] == '#') {
                    level++;
                }
                if (level <= 6 && (i + level == e || b[i + level] == ' ' || b[i + level] == '\t')) {
                    return heading(line, level, i + level, e);
                }
                break;
            }
            case '`':
            case '~': {
                int run = 0;
                while (i + run < e && b[i + run] == c) {
                    run++;
                }
                if (run >= 3 && (c == '~' || indexOf(i + run, e, "`") < 0)) {
                    fenceLine = line;
                    fenceChar = c;
                    fenceLength = run;
                    fenceInEntry = entry != null && (indent > 0 || blankSinceEntry == 0);
                    if (fenceInEntry) {
                        entry.lastLine = line;
                    } else {
                        entry = null;
                    }
                    return CODE;
                }
                break;
            }
            case '[':
                if (linkDefinition(line, i, e)) {
                    entry = null;
                    return LINK;
                }
                break;
            case '-':
            case '*':
            case '+':
                if (i + 1 == e || b[i + 1] == ' ' || b[i + 1] == '\t') {
                    bullet(line, indent);
                    return BULLET;
                }
                break;
            case '<':
                if (e - i >= 4 && b[i + 1] == '!' && b[i + 2] == '-' && b[i + 3] == '-') {
                    inComment = indexOf(i + 4, e, "-->") < 0;
                    commentLine = line;
                    entry = null;
                    return COMMENT;
                }
                break;
            default:
                break;
        }
        continueEntry(line, indent > 0);
        return TEXT;
    }

    private void continueEntry(int line, boolean indented) {
        if (entry != null && (indented || blankSinceEntry == 0)) {
            entry.lastLine = line;
            blankSinceEntry = 0;
        } else {
            entry = null;
        }
    }

    /** A bullet indented further than the entry's own (by two, as Markdown nests lists) belongs to that entry. */
    private void bullet(int line, int indent) {
        if (entry != null && indent >= 2 && indent >= indentOf(entry.firstLine) + 2) {
            entry.lastLine = line;
            blankSinceEntry = 0;
            return;
        }
        if (release == null) {
            return;
        }
        entry = new Section.EntrySpan(lines, line);
        blankSinceEntry = 0;
        if (section != null) {
            section.entries.add(entry);
        } else {
            release.looseEntries.add(entry);
        }
    }

    /**
     * A {@code ##} heading is a release unless it is named like a change type ({@code ## Changed}:
     * a section at the wrong level); a heading of another level that names a version or
     * [Unreleased] is a release at the wrong level. Lint reports both; nothing under them is lost.
     * Only headings that start like one of these are decoded ({@code afterHashes}: its first byte after the hashes).
     */
    private byte heading(int line, int level, int afterHashes, int e) {
        entry = null;
        int text = afterHashes;
        while (text < e && (b[text] == ' ' || b[text] == '\t')) {
            text++;
        }
        boolean isRelease = level == 2 ? !startsWithALetter(text, e) || !namesAChangeType(line)
                : startsLikeARelease(text, e) && namesARelease(line);
        if (isRelease) {
            close(line);
            release = new Release(lines, line, level, releaseHeading);
            releaseHeading = null;
            doc.releases.add(release);
            return RELEASE;
        }
        if (level == 1) {
            if (doc.titleLine < 0 && release == null) {
                doc.titleLine = line;
            }
            close(line);
            release = null;
            return TITLE;
        }
        if (level == 3 && release != null || level == 2) {
            closeSection(line);
            section = new Section(lines, line, level);
            (release != null ? release.sections : doc.straySections).add(section);
            return SECTION;
        }
        return HEADING;
    }

    private boolean startsWithALetter(int i, int e) {
        return i < e && (b[i] >= 'A' && b[i] <= 'Z' || b[i] >= 'a' && b[i] <= 'z');
    }

    /** A digit, {@code v} and a digit, or {@code u} (for Unreleased), after an optional {@code [}. */
    private boolean startsLikeARelease(int i, int e) {
        if (i < e && b[i] == '[') {
            i++;
        }
        if (i + 1 < e && (b[i] == 'v' || b[i] == 'V') && b[i + 1] >= '0' && b[i + 1] <= '9') {
            i++;
        }
        return i < e && (b[i] >= '0' && b[i] <= '9' || b[i] == 'u' || b[i] == 'U');
    }

    /** {@code ## Changed}, {@code ## Bug fixes}. */
    private boolean namesAChangeType(int line) {
        return ChangeType.named(Section.name(lines.text(line))) != null;
    }

    /** {@code # [1.0.0] - DATE}, {@code ### 1.0.0}, {@code # [Unreleased]}; the heading taken apart is kept for the release. */
    private boolean namesARelease(int line) {
        Release.Heading heading = Release.Heading.parse(lines.text(line));
        if (heading.version == null && !heading.unreleased) {
            return false;
        }
        releaseHeading = heading;
        return true;
    }

    private void closeSection(int line) {
        if (section != null) {
            section.endLine = line;
            section = null;
        }
    }

    private void close(int line) {
        closeSection(line);
        if (release != null) {
            release.endLine = line;
        }
    }

    /** {@code [label]: url} (checked on the bytes; {@link Changelog#linkDefinitions} reads it on first use). */
    private boolean linkDefinition(int line, int i, int e) {
        int close = i + 1;
        while (close < e && b[close] != ']') {
            close++;
        }
        if (close + 1 >= e || close == i + 1 || b[close + 1] != ':') {
            return false;
        }
        int url = close + 2;
        while (url < e && (b[url] == ' ' || b[url] == '\t')) {
            url++;
        }
        if (url == e) {
            return false;
        }
        doc.linkLines.add(line);
        return true;
    }

    /** The indentation of a line (a tab counts four), up to four. */
    private int indentOf(int line) {
        int i = lines.contentStart(line);
        int e = lines.contentEnd(line);
        int indent = 0;
        while (i < e && indent < 4 && (b[i] == ' ' || b[i] == '\t')) {
            indent += b[i] == ' ' ? 1 : 4;
            i++;
        }
        return indent;
    }

    private boolean closesFence(int s, int e) {
        int i = s;
        int indent = 0;
        while (i < e && b[i] == ' ' && indent < 4) {
            i++;
            indent++;
        }
        int run = 0;
        while (i < e && b[i] == fenceChar) {
            i++;
            run++;
        }
        if (indent >= 4 || run < fenceLength) {
            return false;
        }
        while (i < e && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i == e;
    }

    private int indexOf(int from, int to, String needle) {
        outer:
        for (int i = from; i <= to - needle.length(); i++) {
            for (int k = 0; k < needle.length(); k++) {
                if (b[i + k] != needle.charAt(k)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

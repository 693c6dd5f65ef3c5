package monet.changelog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Keep a Changelog 1.1.0 file, read exactly as its bytes are: {@link #bytes()} gives them back
 * unchanged, and every edit returns a new {@code Changelog} whose bytes differ only in the lines the
 * edit had to insert or change (line endings, Unicode, code blocks and a missing final newline
 * included). Nothing here writes until {@link #write(Path)}, which is atomic.
 *
 * <pre>{@code
 * Changelog log = Changelog.read(Path.of("CHANGELOG.md"));
 * List<Problem> problems = log.lint();
 * Version next = log.nextVersion(Bump.AUTO);
 * log.release(next, LocalDate.now()).write(Path.of("CHANGELOG.md"));
 * String body = Changelog.read(Path.of("CHANGELOG.md")).notes(next.toString());
 * }</pre>
 */
public final class Changelog {
    final String name;
    final Lines lines;
    final Supplier<Optional<String>> repositoryUrl;
    int titleLine = -1;
    int trailingLinks;
    final List<Release> releases = new ArrayList<>();
    /** {@code ##} headings named like a change type before any release: sections of nothing, for lint to report. */
    final List<Section> straySections = new ArrayList<>();
    /** Lines holding link definitions, found by the parser; read into {@link #linkDefinitions} on first use. */
    final List<Integer> linkLines = new ArrayList<>();
    private List<LinkDefinition> links;
    private Map<String, LinkDefinition> linksByKey;
    final List<Problem> parseProblems = new ArrayList<>();

    private Changelog(String name, byte[] bytes, Supplier<Optional<String>> repositoryUrl) {
        this.name = name;
        this.lines = new Lines(bytes);
        this.repositoryUrl = repositoryUrl;
        Parser.parse(this);
    }

    /**
     * Reads and parses a file. Release links for a file without any are derived from the git
     * remote {@code origin} of the file's directory (see {@link #withRepositoryUrl}).
     *
     * @throws ChangelogException when the file is missing or unreadable
     */
    public static Changelog read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            Path dir = file.toAbsolutePath().getParent();
            return new Changelog(file.toString(), bytes, () -> GitRemote.webUrl(dir));
        } catch (NoSuchFileException e) {
            throw new ChangelogException(file + ": no such file");
        } catch (IOException e) {
            throw new ChangelogException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses bytes (UTF-8 expected, but any bytes round-trip); {@code name} is used in messages. */
    public static Changelog parse(byte[] bytes, String name) {
        return new Changelog(name, bytes.clone(), Optional::empty);
    }

    /** Parses text as {@code CHANGELOG.md}. */
    static Changelog parse(String text) {
        return new Changelog("CHANGELOG.md", text.getBytes(StandardCharsets.UTF_8), Optional::empty);
    }

    /** A new, empty changelog: title, the Keep a Changelog preamble and an empty [Unreleased]. */
    public static Changelog template(String name) {
        String text = "# Changelog\n\nAll notable changes to this project will be documented in this file.\n\n"
                + "The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),\n"
                + "and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n\n"
                + "## [Unreleased]\n";
        return new Changelog(name, text.getBytes(StandardCharsets.UTF_8), Optional::empty);
    }

    /**
     * The same changelog, deriving release links from this repository web URL
     * ({@code https://github.com/OWNER/REPO}) when the file has no link definitions; null derives none.
     */
    Changelog withRepositoryUrl(String webUrl) {
        return new Changelog(name, lines.bytes, () -> Optional.ofNullable(webUrl));
    }

    /** The file name used in messages. */
    String name() {
        return name;
    }

    /** The bytes, exactly as read or as the edits left them. */
    byte[] bytes() {
        return lines.bytes.clone();
    }

    /** The content decoded as UTF-8. */
    String text() {
        return new String(lines.bytes, StandardCharsets.UTF_8);
    }

    /** The {@code # } title, or null. */
    String title() {
        return titleLine < 0 ? null : lines.text(titleLine).replaceFirst("^\\s*#\\s*", "").trim();
    }

    /** Every {@code ##} section, in file order ([Unreleased] first in a well-formed file). */
    public List<Release> releases() {
        return List.copyOf(releases);
    }

    /** The [Unreleased] section. */
    public Optional<Release> unreleased() {
        return releases.stream().filter(Release::isUnreleased).findFirst();
    }

    /** The top-most released version (yanked or not) whose heading is SemVer. */
    Optional<Release> latest() {
        return releases.stream().filter(r -> r.version() != null).findFirst();
    }

    /** The highest SemVer version in the file. */
    public Optional<Version> highestVersion() {
        return releases.stream().map(Release::version).filter(v -> v != null).max(Version::compareTo);
    }

    /**
     * A release by {@code unreleased}, {@code latest}, its label as written or its version
     * ({@code 1.2.0} finds {@code ## [v1.2.0]}).
     */
    public Optional<Release> find(String which) {
        String wanted = which.trim();
        if (wanted.equalsIgnoreCase("unreleased")) {
            return unreleased();
        }
        if (wanted.equalsIgnoreCase("latest")) {
            return latest();
        }
        for (Release release : releases) {
            if (release.label().equalsIgnoreCase(wanted)) {
                return Optional.of(release);
            }
        }
        Version version = Version.tryParse(wanted);
        return version == null ? Optional.empty()
                : releases.stream().filter(r -> version.equals(r.version())).findFirst();
    }

    /** The link definitions ({@code [label]: url}) outside code, in file order. */
    List<LinkDefinition> links() {
        return linkDefinitions();
    }

    List<LinkDefinition> linkDefinitions() {
        if (links == null) {
            List<LinkDefinition> read = new ArrayList<>(linkLines.size());
            for (int line : linkLines) {
                String text = lines.text(line);
                int labelStart = text.indexOf('[') + 1;
                int labelEnd = text.indexOf(']', labelStart);
                String url = text.substring(labelEnd + 2).trim();
                int space = url.indexOf(' ');
                if (space > 0) {
                    url = url.substring(0, space);
                }
                if (url.startsWith("<") && url.endsWith(">")) {
                    url = url.substring(1, url.length() - 1);
                }
                read.add(new LinkDefinition(line + 1, text.substring(labelStart, labelEnd), url));
            }
            links = List.copyOf(read);
        }
        return links;
    }

    /**
     * A release's body exactly as written (its lines and line endings, without the heading and
     * surrounding blank lines), ending with a line break; "" for an empty one.
     *
     * @param which as for {@link #find}
     * @throws ChangelogException when there is no such release
     */
    public String notes(String which) {
        Release release = find(which).orElseThrow(() -> new ChangelogException(name + ": no release '" + which
                + "' (versions: " + versionList() + ")"));
        int first = release.headingLine + 1;
        int last = release.endLine - 1;
        while (first <= last && lines.kinds[first] == Parser.BLANK) {
            first++;
        }
        while (last >= first && lines.kinds[last] == Parser.BLANK) {
            last--;
        }
        if (first > last) {
            return "";
        }
        String body = new String(lines.bytes, lines.starts[first], lines.starts[last + 1] - lines.starts[first],
                StandardCharsets.UTF_8);
        return body.endsWith("\n") ? body : body + new String(lines.eol(), StandardCharsets.UTF_8);
    }

    private String versionList() {
        List<String> labels = new ArrayList<>();
        for (Release release : releases) {
            labels.add(release.label());
            if (labels.size() == 5) {
                labels.add("...");
                break;
            }
        }
        return labels.isEmpty() ? "none" : String.join(", ", labels);
    }

    /** Every problem, errors and warnings, ordered by line and column. */
    public List<Problem> lint() {
        return new Linter(this).run();
    }

    /**
     * Adds an entry under [Unreleased] in the section for {@code type}, creating the section (in
     * canonical order) and [Unreleased] itself when missing. Lines of {@code text} after the first
     * become indented continuation lines.
     */
    public Changelog add(ChangeType type, String text) {
        Changelog after = derive(Editor.add(this, type, text));
        boolean added = after.unreleased().map(r -> entries(r, type) == unreleased().map(u -> entries(u, type)).orElse(0) + 1)
                .orElse(false);
        return after.verified(added, this);
    }

    private static int entries(Release release, ChangeType type) {
        int n = 0;
        for (Section section : release.sections) {
            n += section.type() == type ? section.entries.size() : 0;
        }
        return n;
    }

    /**
     * The edit's own check: the new text must read back as intended and every released version
     * must read exactly as before; otherwise (an unclosed code fence or comment swallowing the
     * edit, say) it is refused.
     */
    private Changelog verified(boolean intended, Changelog before) {
        boolean same = intended;
        for (Release release : before.releases) {
            if (!same) {
                break;
            }
            if (!release.isUnreleased() && release.version() != null) {
                Optional<Release> now = find(release.label());
                same = now.isPresent() && notes(release.label()).equals(before.notes(release.label()));
            }
        }
        if (!same) {
            throw new ChangelogException(name + ": refusing to edit: the result would not read back as intended"
                    + " (is a code fence or HTML comment left open? see 'changelog lint')");
        }
        return this;
    }

    /**
     * The version a bump gives: from the highest version in the file ({@code 0.0.0} when there is
     * none); {@link Bump#AUTO} gives 0.1.0 for a first release, else reads the [Unreleased] section types (see {@link Bump#AUTO}).
     *
     * @throws ChangelogException for AUTO when [Unreleased] has no entries of a known type
     */
    public Version nextVersion(Bump bump) {
        Version base = highestVersion().orElse(Version.of(0, 0, 0));
        if (bump == Bump.AUTO && highestVersion().isEmpty()) {
            requireUnreleasedTypes();
            return Version.of(0, 1, 0);
        }
        if (bump != Bump.AUTO) {
            return base.bump(bump);
        }
        List<ChangeType> types = requireUnreleasedTypes();
        Bump level = types.contains(ChangeType.REMOVED) || types.contains(ChangeType.CHANGED) ? Bump.MAJOR
                : types.contains(ChangeType.ADDED) || types.contains(ChangeType.DEPRECATED) ? Bump.MINOR : Bump.PATCH;
        if (base.major() == 0 && !base.isPrerelease()) {
            level = level == Bump.MAJOR ? Bump.MINOR : Bump.PATCH;
        }
        return base.bump(level);
    }

    private List<ChangeType> requireUnreleasedTypes() {
        List<ChangeType> types = unreleased().map(Release::changeTypes).orElse(List.of());
        if (types.isEmpty()) {
            throw new ChangelogException(name + ": cannot pick a version: [Unreleased] has no entries under "
                    + "Added, Changed, Deprecated, Removed, Fixed or Security");
        }
        return types;
    }

    /**
     * Moves everything under [Unreleased] to {@code ## [VERSION] - DATE}, leaves an empty
     * [Unreleased] and updates the link definitions in the file's own style.
     *
     * @throws ChangelogException, changing nothing, when [Unreleased] is missing or empty, or the
     *     version exists or is not greater than every version in the file
     */
    public Changelog release(Version version, LocalDate date) {
        Changelog after = derive(Editor.release(this, version, date));
        String moved = notes("unreleased");
        boolean released = after.find(version.toString()).filter(r -> date.equals(r.date())).isPresent()
                && after.notes(version.toString()).equals(moved) && after.notes("unreleased").isEmpty();
        return after.verified(released, this);
    }

    private Changelog derive(byte[] bytes) {
        return new Changelog(name, bytes, repositoryUrl);
    }

    /**
     * Writes the bytes atomically: a temporary file in the same directory (with the old file's
     * permissions), then a rename over the target (a symbolic link's target is replaced, not the link).
     */
    public void write(Path file) {
        Path target = file.toAbsolutePath();
        try {
            if (Files.isSymbolicLink(target)) {
                target = target.toRealPath();
            }
            Path dir = target.getParent();
            Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try {
                Files.write(temp, lines.bytes);
                if (Files.exists(target)) {
                    PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
                    if (view != null) {
                        Files.setPosixFilePermissions(temp, view.readAttributes().permissions());
                    }
                }
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new ChangelogException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /**
     * The structure as JSON: title, and per release its version, date, yanked flag, link, sections
     * with their entries, and the entries outside any section.
     */
    public String toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("file", name).put("title", title());
        ArrayNode releasesJson = json.putArray("releases");
        for (Release release : releases) {
            ObjectNode r = releasesJson.addObject().put("label", release.label())
                    .put("version", release.version() == null ? null : release.version().toString())
                    .put("unreleased", release.isUnreleased())
                    .put("date", release.dateText())
                    .put("yanked", release.isYanked())
                    .put("line", release.line())
                    .put("link", linkOf(release));
            ArrayNode sectionsJson = r.putArray("sections");
            for (Section section : release.sections) {
                ArrayNode entries = sectionsJson.addObject().put("type", section.name()).put("line", section.line())
                        .putArray("entries");
                section.entries().forEach(entry -> entries.add(entry.text()));
            }
            ArrayNode outside = r.putArray("entriesOutsideSections");
            release.entriesOutsideSections().forEach(entry -> outside.add(entry.text()));
        }
        return json.toString();
    }

    /** The URL a release heading links to (inline or by a definition), or null. */
    String linkOf(Release release) {
        return release.inlineLink() != null ? release.inlineLink() : definitionUrl(release.label());
    }

    /** The definition of a label (matched as Markdown does; the first one wins), or null. */
    LinkDefinition definition(String label) {
        if (linksByKey == null) {
            Map<String, LinkDefinition> byKey = new HashMap<>();
            for (LinkDefinition link : linkDefinitions()) {
                byKey.putIfAbsent(link.key(), link);
            }
            linksByKey = byKey;
        }
        return linksByKey.get(LinkDefinition.key(label));
    }

    String definitionUrl(String label) {
        LinkDefinition definition = definition(label);
        return definition == null ? null : definition.url();
    }

    /**
     * The released version (one with a date: a tag exists) highest below {@code version}: the one a
     * release of it compares with. Null when there is none.
     */
    Release releasedBelow(Version version) {
        Release best = null;
        for (Release release : releases) {
            Version v = release.version();
            if (v != null && release.date() != null && v.compareTo(version) < 0 && (best == null || v.compareTo(best.version()) > 0)) {
                best = release;
            }
        }
        return best;
    }

    void problem(int line, int column, Problem.Severity severity, String rule, String message) {
        parseProblems.add(new Problem(line + 1, column, severity, rule, message));
    }

    @Override
    public String toString() {
        return name + " (" + releases.size() + " releases, " + lines.bytes.length + " bytes)";
    }

    /** The bytes split into lines: where each starts, and what the parser found on it. */
    static final class Lines {
        final byte[] bytes;
        final int count;
        /** {@code starts[i]} is line i's first byte; {@code starts[count]} is the length. */
        final int[] starts;
        final byte[] kinds;

        Lines(byte[] bytes) {
            this.bytes = bytes;
            int[] found = new int[bytes.length / 40 + 2];
            int n = 0;
            int i = 0;
            while (i < bytes.length) {
                if (n + 1 >= found.length) {
                    found = Arrays.copyOf(found, found.length * 2);
                }
                found[n++] = i;
                while (i < bytes.length && bytes[i] != '\n') {
                    i++;
                }
                i++;
            }
            if (n + 1 >= found.length) {
                found = Arrays.copyOf(found, found.length + 1);
            }
            found[n] = bytes.length;
            this.count = n;
            this.starts = found;
            this.kinds = new byte[n];
        }

        /** End of line i's content, before its {@code \n} or {@code \r\n}. */
        int contentEnd(int line) {
            int s = starts[line];
            int e = starts[line + 1];
            if (e > s && bytes[e - 1] == '\n') {
                e--;
                if (e > s && bytes[e - 1] == '\r') {
                    e--;
                }
            }
            return e;
        }

        /** Start of line i's content: after a UTF-8 byte-order mark on line 0. */
        int contentStart(int line) {
            boolean bom = line == 0 && bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
                    && (bytes[2] & 0xff) == 0xBF;
            return bom ? 3 : starts[line];
        }

        /** Line i's content as text (a byte-order mark on line 0 excluded). */
        String text(int line) {
            int s = contentStart(line);
            int e = contentEnd(line);
            return e <= s ? "" : new String(bytes, s, e - s, StandardCharsets.UTF_8);
        }

        /** True when line i ends with a line break. */
        boolean terminated(int line) {
            return contentEnd(line) < starts[line + 1];
        }

        /** The file's line break: that of its first line, else {@code \n}. */
        byte[] eol() {
            for (int line = 0; line < count; line++) {
                int e = contentEnd(line);
                if (e < starts[line + 1]) {
                    return Arrays.copyOfRange(bytes, e, starts[line + 1]);
                }
            }
            return new byte[] {'\n'};
        }

        boolean blank(int line) {
            return kinds[line] == Parser.BLANK;
        }
    }
}

package monet.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import monet.MonetException;

/**
 * TEMPORARY ADAPTER, to be replaced by the changelog library (issue 3) as soon as it is merged:
 * the smallest reading and editing of a Keep a Changelog file that {@link ReleaseChangelog}
 * needs. It knows headings, sections and bullet entries, and skips fenced code; nothing more.
 */
final class MinimalChangelog implements ReleaseChangelog {
    private static final Pattern VERSION_HEADING = Pattern.compile("^## \\[?([^\\]\\s]+)\\]?(.*)$");
    private static final Pattern DATE = Pattern.compile("\\s+-\\s+(\\d{4}-\\d{2}-\\d{2})\\b.*");
    private final Path file;
    private final List<String> lines;

    private MinimalChangelog(Path file, List<String> lines) {
        this.file = file;
        this.lines = lines;
    }

    static MinimalChangelog read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(text.split("(?<=\n)", -1)));
            lines.removeIf(String::isEmpty);
            return new MinimalChangelog(file, lines);
        } catch (IOException e) {
            throw new MonetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private record Heading(int index, String label, String rest) {}

    private List<Heading> headings() {
        List<Heading> found = new ArrayList<>();
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).stripTrailing();
            if (line.startsWith("```") || line.startsWith("~~~")) {
                fenced = !fenced;
            }
            Matcher m = VERSION_HEADING.matcher(line);
            if (!fenced && m.matches()) {
                found.add(new Heading(i, m.group(1), m.group(2)));
            }
        }
        return found;
    }

    private Optional<Heading> unreleased() {
        return headings().stream().filter(h -> h.label().equalsIgnoreCase("unreleased")).findFirst();
    }

    private int endOf(Heading heading) {
        return headings().stream().mapToInt(Heading::index).filter(i -> i > heading.index()).findFirst()
                .orElseGet(() -> firstLinkDefinition(heading.index()));
    }

    private int firstLinkDefinition(int after) {
        for (int i = after + 1; i < lines.size(); i++) {
            if (lines.get(i).matches("(?s)^\\[[^\\]]+\\]:\\s.*")) {
                return i;
            }
        }
        return lines.size();
    }

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            problems.add("1:1: missing title (a first line '# Changelog')");
        }
        if (unreleased().isEmpty()) {
            problems.add("1:1: missing '## [Unreleased]'");
        }
        for (Heading h : headings()) {
            if (h.label().equalsIgnoreCase("unreleased")) {
                continue;
            }
            if (SemVer.tryParse(h.label()).isEmpty()) {
                problems.add((h.index() + 1) + ":4: version '" + h.label() + "' is not SemVer");
            }
            Matcher date = DATE.matcher(h.rest());
            if (!date.matches()) {
                problems.add((h.index() + 1) + ":1: released version " + h.label() + " has no date ' - YYYY-MM-DD'");
            } else {
                try {
                    LocalDate.parse(date.group(1));
                } catch (DateTimeParseException e) {
                    problems.add((h.index() + 1) + ":1: invalid date " + date.group(1));
                }
            }
        }
        return problems;
    }

    private List<String> unreleasedBody() {
        return unreleased().map(h -> lines.subList(h.index() + 1, endOf(h))).orElse(List.of());
    }

    @Override
    public boolean unreleasedEmpty() {
        return unreleasedBody().stream().map(String::strip).noneMatch(l -> l.startsWith("- ") || l.startsWith("* "));
    }

    @Override
    public Optional<SemVer> latest() {
        return headings().stream().map(h -> SemVer.tryParse(h.label())).flatMap(Optional::stream).max(SemVer::compareTo);
    }

    @Override
    public SemVer next(String bump) {
        SemVer base = latest().orElse(new SemVer(0, 0, 0, "", ""));
        if (!"auto".equals(bump)) {
            return base.bump(bump);
        }
        List<String> sections = new ArrayList<>();
        String current = null;
        for (String line : unreleasedBody()) {
            String l = line.strip();
            if (l.startsWith("### ")) {
                current = l.substring(4).strip().toLowerCase(Locale.ROOT);
            } else if (current != null && (l.startsWith("- ") || l.startsWith("* "))) {
                sections.add(current);
            }
        }
        String part = sections.contains("removed") || sections.contains("changed") ? "major"
                : sections.contains("added") || sections.contains("deprecated") ? "minor" : "patch";
        if (base.major() == 0 && part.equals("major")) {
            part = "minor";
        }
        return base.bump(part);
    }

    @Override
    public void release(SemVer version, LocalDate date) {
        Heading unreleased = unreleased().orElseThrow(() -> new MonetException(file + " has no [Unreleased] section"));
        String eol = lines.get(unreleased.index()).endsWith("\r\n") ? "\r\n" : "\n";
        Optional<SemVer> previous = latest();
        List<String> edited = new ArrayList<>(lines);
        edited.add(unreleased.index() + 1, eol);
        edited.add(unreleased.index() + 2, "## [" + version + "] - " + date + eol);
        for (int i = 0; i < edited.size(); i++) {
            Matcher link = Pattern.compile("^\\[unreleased\\]:\\s*(\\S+)/compare/(v?)(\\S+)\\.\\.\\.HEAD\\s*$",
                    Pattern.CASE_INSENSITIVE).matcher(edited.get(i));
            if (link.matches() && previous.isPresent()) {
                String base = link.group(1);
                String prefix = link.group(2);
                String label = edited.get(i).substring(1, edited.get(i).indexOf(']'));
                edited.set(i, "[" + label + "]: " + base + "/compare/" + prefix + version + "...HEAD" + eol);
                edited.add(i + 1, "[" + version + "]: " + base + "/compare/" + prefix + link.group(3) + "..." + prefix
                        + version + eol);
                break;
            }
        }
        try {
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".changelog", ".tmp");
            Files.writeString(temp, String.join("", edited), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        lines.clear();
        lines.addAll(edited);
    }

    @Override
    public Optional<String> notes(SemVer version) {
        return headings().stream().filter(h -> SemVer.tryParse(h.label()).map(version::equals).orElse(false)).findFirst()
                .map(h -> String.join("", lines.subList(h.index() + 1, endOf(h))).strip());
    }
}

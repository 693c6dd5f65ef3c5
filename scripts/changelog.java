///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
// A short-lived CLI: the C1 compiler alone starts faster and spends less CPU (measured in bench/).
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//DESCRIPTION Read, check and edit Keep a Changelog files: lint, add, release, notes, show.
//SOURCES ../lib/monet/package-info.java
//SOURCES ../lib/monet/changelog/package-info.java
//SOURCES ../lib/monet/cli/package-info.java
//SOURCES ../lib/monet/config/package-info.java
//SOURCES ../lib/monet/console/package-info.java
//SOURCES ../lib/monet/process/package-info.java
//SOURCES ../lib/monet/text/package-info.java
package monet.scripts;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import monet.changelog.Bump;
import monet.changelog.ChangeType;
import monet.changelog.Changelog;
import monet.changelog.ChangelogException;
import monet.changelog.Entry;
import monet.changelog.LintReport;
import monet.changelog.Release;
import monet.changelog.Section;
import monet.changelog.Version;
import monet.cli.Cli;
import monet.cli.HelpOption;
import monet.cli.ConfigCommand;
import monet.console.Console;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

@Command(name = "changelog",
        subcommands = {changelog.Lint.class, changelog.Add.class, changelog.Release_.class, changelog.Notes.class,
            changelog.Show.class, ConfigCommand.class},
        description = {"Read, check and edit Keep a Changelog 1.1.0 files: lint, add, release, notes, show.",
            "Edits change only the lines they must and write atomically; a refused",
            "edit changes nothing."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure (lint errors, a refused edit, a missing version)", "2:usage error"})
class changelog {
    @Mixin
    HelpOption help;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The changelog (default: ./CHANGELOG.md).")
    Path file = Path.of("CHANGELOG.md");

    public static void main(String... args) {
        Cli.main(new changelog(), args);
    }

    /** Prints text to stdout as UTF-8 bytes, whatever the platform encoding. */
    static void print(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        System.out.write(bytes, 0, bytes.length);
        System.out.flush();
    }

    @Command(name = "lint", description = {"Check changelogs: every problem as FILE:LINE:COLUMN: message [rule].",
            "Errors fail (exit 1); warnings (marked 'warning:') are harmless",
            "deviations and do not, unless --strict.",
            "",
            "A heading of another level that names a version ('# [1.0.0] - DATE',",
            "'### 1.0.0') is read as that release and reported with the fix; a '##'",
            "heading named like a section ('## Changed') is read as that section of",
            "the release above. Entries outside a section: one problem per list.",
            "",
            "Choices: a version listed below an older one is an error only when the",
            "dates are out of order too; with dates in order it is a warning, since",
            "files that keep maintenance lines (3.4.19 above 4.1.17) list releases by",
            "date. A release marked [YANKED] without entries but with a paragraph",
            "saying why is a warning (its notes are the explanation); without any",
            "text it is an error, as for any release without entries."})
    static class Lint implements Callable<Integer> {
        @ParentCommand
        changelog parent;

        @Parameters(arity = "0..*", paramLabel = "FILE", description = "Files to check (default: --file).")
        List<Path> files;

        @Option(names = "--json", description = "Print {errors, warnings, problems: [{file, line, column, severity, rule, message}]}.")
        boolean json;

        @Option(names = "--strict", description = "Fail on warnings too.")
        boolean strict;

        @Option(names = {"-q", "--quiet"}, description = "Print errors only.")
        boolean quiet;

        @Override
        public Integer call() {
            LintReport report = LintReport.of(files == null || files.isEmpty() ? List.of(parent.file) : files);
            if (json) {
                print(report.json() + "\n");
            } else {
                for (String line : report.lines(!quiet)) {
                    print(line + "\n");
                }
                if (Console.get().mode() == Console.Mode.GITHUB_ACTIONS) {
                    report.annotations(!quiet).forEach(Console.get()::info);
                }
                Console.get().info(report.summary());
            }
            return report.errors() > 0 || (strict && report.warnings() > 0) ? 1 : 0;
        }
    }

    @Command(name = "add", description = {"Add an entry under [Unreleased] in section TYPE.",
            "Creates the section (in canonical order) and [Unreleased] itself if",
            "missing; a missing file is created with the Keep a Changelog header."})
    static class Add implements Callable<Integer> {
        @ParentCommand
        changelog parent;

        @Parameters(index = "0", paramLabel = "TYPE", description = "added, changed, deprecated, removed, fixed or security.")
        String type;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "The entry (words are joined with spaces).")
        List<String> text;

        @Override
        public Integer call() {
            ChangeType changeType = ChangeType.parse(type);
            Path file = parent.file;
            Changelog log = Files.exists(file) ? Changelog.read(file) : Changelog.template(file.toString());
            log.add(changeType, String.join(" ", text)).write(file);
            Console.get().success("added to " + changeType.title() + " under [Unreleased] in " + file);
            return 0;
        }
    }

    @Command(name = "release", description = {
        "Move everything under [Unreleased] to a new version.",
        "The items go under '## [VERSION] - DATE' in the file's own heading",
        "convention (brackets, v prefix, '(DATE)', the separator: as the top",
        "release is written) and [Unreleased] is left empty. Links follow the",
        "file's style and tag prefix (from the git remote 'origin' when the file",
        "has none): [Unreleased] compares from the new tag, the new version from",
        "the version below it (the highest dated one, whatever a stale link says);",
        "when versions are linked, [Unreleased] and versions released without a",
        "link above the linked ones get one too. Refuses, changing nothing, when",
        "[Unreleased] is empty, or VERSION exists, is not SemVer or is not greater",
        "than every version in the file (so a typo cannot slip below the latest",
        "release; a maintenance release of an older line is written by hand, and",
        "lint accepts it while the dates are in order). Prints the new version.",
        "",
        "--bump picks VERSION from the highest version in the file: major, minor,",
        "patch, or auto: Removed or Changed -> major, Added or Deprecated -> minor,",
        "only Fixed or Security -> patch.",
        "0.x rules (auto): while the major version is 0, a major change bumps the",
        "minor version (0.3.1 -> 0.4.0) and anything else the patch (0.3.2);",
        "'--bump major' leaves 0.x (-> 1.0.0). A first release is 0.1.0 (auto).",
        "From a pre-release a bump reaches its release (2.0.0-rc.1 -> 2.0.0)."})
    static class Release_ implements Callable<Integer> {
        @ParentCommand
        changelog parent;

        @Parameters(arity = "0..1", paramLabel = "VERSION", description = "The new version (SemVer, a leading v is dropped).")
        String version;

        @Option(names = "--bump", paramLabel = "major|minor|patch|auto", description = "Pick the version instead of naming it.")
        String bump;

        @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "The release date (default: today).")
        String date;

        @Option(names = "--dry-run", description = "Print the version and its notes; write nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            if ((version == null) == (bump == null)) {
                throw ChangelogException.usage("give either VERSION or --bump");
            }
            LocalDate day = date == null ? LocalDate.now() : isoDate(date);
            Changelog log = Changelog.read(parent.file);
            Version next = version != null ? Version.parse(version) : log.nextVersion(Bump.parse(bump));
            Changelog released = log.release(next, day);
            if (dryRun) {
                print(next + "\n" + released.notes(next.toString()));
                return 0;
            }
            released.write(parent.file);
            print(next + "\n");
            Console.get().success("released " + next + " (" + day + ") in " + parent.file);
            return 0;
        }

        private static LocalDate isoDate(String text) {
            try {
                if (text.length() == 10) {
                    return LocalDate.parse(text);
                }
            } catch (java.time.DateTimeException e) {
                // reported below
            }
            throw ChangelogException.usage("--date '" + text + "' is not a date in the form YYYY-MM-DD");
        }
    }

    @Command(name = "notes", description = "Print a release's body exactly as written (for a GitHub release); exit 1 if absent.")
    static class Notes implements Callable<Integer> {
        @ParentCommand
        changelog parent;

        @Parameters(paramLabel = "VERSION|unreleased|latest", description = "Which release (latest: the top-most version).")
        String which;

        @Override
        public Integer call() {
            print(Changelog.read(parent.file).notes(which));
            return 0;
        }
    }

    @Command(name = "show", description = "Show the releases: versions, dates, yanked flags, sections and entries.")
    static class Show implements Callable<Integer> {
        @ParentCommand
        changelog parent;

        @Option(names = "--json", description = "As JSON: {file, title, releases: [{label, version, unreleased, date, "
                + "yanked, line, link, sections: [{type, line, entries: [text]}], entriesOutsideSections: [text]}]}.")
        boolean json;

        @Override
        public Integer call() {
            Changelog log = Changelog.read(parent.file);
            if (json) {
                print(log.toJson() + "\n");
                return 0;
            }
            StringBuilder out = new StringBuilder();
            for (Release release : log.releases()) {
                out.append(release.label()).append(release.dateText() == null ? "" : "  " + release.dateText())
                        .append(release.isYanked() ? "  [YANKED]" : "").append('\n');
                if (!release.entriesOutsideSections().isEmpty()) {
                    entries(out, "(outside any section)", release.entriesOutsideSections());
                }
                for (Section section : release.sections()) {
                    entries(out, section.name(), section.entries());
                }
            }
            print(out.toString());
            return 0;
        }

        private static void entries(StringBuilder out, String heading, List<Entry> entries) {
            out.append("  ").append(heading).append('\n');
            for (Entry entry : entries) {
                out.append("    - ").append(entry.text().replace("\n", "\n      ")).append('\n');
            }
        }
    }
}

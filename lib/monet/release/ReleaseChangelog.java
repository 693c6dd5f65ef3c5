package monet.release;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What a release needs from {@code CHANGELOG.md}: is it sound, is there something to release,
 * which version comes next, move {@code [Unreleased]} to a version, a version's notes.
 * The one place {@code release} touches the changelog library.
 */
public interface ReleaseChangelog {
    /** Reads the file. */
    static ReleaseChangelog open(Path file) {
        return MinimalChangelog.read(file);
    }

    /** The lint errors, each "LINE:COLUMN: message"; empty when the file passes. */
    List<String> problems();

    /** True when {@code [Unreleased]} has no entries (or is missing). */
    boolean unreleasedEmpty();

    /** The newest released version. */
    Optional<SemVer> latest();

    /** The version a bump makes from the latest: {@code major|minor|patch|auto} (auto reads [Unreleased]). */
    SemVer next(String bump);

    /** Moves [Unreleased] to the version with the date and writes the file atomically. */
    void release(SemVer version, LocalDate date);

    /** The body of a version's section as written, if the version is there. */
    Optional<String> notes(SemVer version);
}

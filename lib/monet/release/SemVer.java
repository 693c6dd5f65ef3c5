package monet.release;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import monet.MonetException;

/**
 * A Semantic Versioning 2.0.0 version: {@code 1.2.3}, {@code 1.0.0-rc.1}, {@code 2.0.0-beta.3+build.5}.
 * Ordered by precedence (build metadata ignored). A leading {@code v}, as in tags, is accepted.
 *
 * @param major      major
 * @param minor      minor
 * @param patch      patch
 * @param preRelease the part after {@code -} ("" when none)
 * @param build      the part after {@code +} ("" when none)
 */
public record SemVer(int major, int minor, int patch, String preRelease, String build) implements Comparable<SemVer> {
    private static final Pattern FORMAT = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
                    + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

    /** The version in {@code text} (a leading {@code v} allowed), if it is SemVer. */
    public static Optional<SemVer> tryParse(String text) {
        String plain = text.startsWith("v") ? text.substring(1) : text;
        Matcher m = FORMAT.matcher(plain);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SemVer(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), m.group(4) == null ? "" : m.group(4), m.group(5) == null ? "" : m.group(5)));
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    /** The version, or a usage error that shows the expected form. */
    public static SemVer parse(String text) {
        return tryParse(text).orElseThrow(() -> MonetException.usage("'" + text
                + "' is not a SemVer version (MAJOR.MINOR.PATCH, optionally -PRERELEASE and +BUILD, e.g. 1.4.0 or 2.0.0-rc.1)"));
    }

    /** True for a pre-release ({@code 1.0.0-rc.1}): GitHub marks its release as a prerelease. */
    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    /** The next version for a bump: {@code major}, {@code minor} or {@code patch}. */
    public SemVer bump(String part) {
        switch (part) {
            case "major": return new SemVer(major + 1, 0, 0, "", "");
            case "minor": return new SemVer(major, minor + 1, 0, "", "");
            case "patch": return new SemVer(major, minor, patch + 1, "", "");
            default: throw MonetException.usage("unknown bump '" + part + "': use major, minor, patch or auto");
        }
    }

    /** The git tag of this version: {@code v1.2.3}. */
    public String tag() {
        return "v" + this;
    }

    @Override
    public int compareTo(SemVer other) {
        int core = Comparator.comparingInt(SemVer::major).thenComparingInt(SemVer::minor)
                .thenComparingInt(SemVer::patch).compare(this, other);
        if (core != 0) {
            return core;
        }
        if (preRelease.isEmpty() || other.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), other.preRelease.isEmpty());
        }
        String[] a = preRelease.split("\\.");
        String[] b = other.preRelease.split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean an = a[i].matches("\\d+");
            boolean bn = b[i].matches("\\d+");
            int c = an && bn ? Long.compare(Long.parseLong(a[i]), Long.parseLong(b[i]))
                    : an != bn ? (an ? -1 : 1) : a[i].compareTo(b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + preRelease)
                + (build.isEmpty() ? "" : "+" + build);
    }
}

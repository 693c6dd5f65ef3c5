package monet.changelog;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A Semantic Versioning 2.0.0 version: {@code MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]}, ordered by
 * SemVer precedence (build metadata is ignored when comparing, so {@code 1.0.0+a} and
 * {@code 1.0.0+b} compare equal).
 */
public final class Version implements Comparable<Version> {
    private final long major;
    private final long minor;
    private final long patch;
    private final List<String> prerelease;
    private final String build;

    private Version(long major, long minor, long patch, List<String> prerelease, String build) {
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.prerelease = prerelease;
        this.build = build;
    }

    /** {@code MAJOR.MINOR.PATCH} without pre-release or build metadata. */
    static Version of(long major, long minor, long patch) {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("version numbers must not be negative");
        }
        return new Version(major, minor, patch, List.of(), "");
    }

    /**
     * Parses a SemVer version; one leading {@code v} or {@code V} is allowed ({@code v1.2.0}).
     *
     * @throws ChangelogException when the text is not SemVer
     */
    public static Version parse(String text) {
        Version version = tryParse(text);
        if (version == null) {
            throw ChangelogException.usage("'" + text + "' is not a SemVer version (MAJOR.MINOR.PATCH, e.g. 1.4.0 or 2.0.0-rc.1)");
        }
        return version;
    }

    /** Parses like {@link #parse} but returns null when the text is not SemVer. */
    public static Version tryParse(String text) {
        if (text == null) {
            return null;
        }
        int i = !text.isEmpty() && (text.charAt(0) == 'v' || text.charAt(0) == 'V') ? 1 : 0;
        int n = text.length();
        long[] numbers = new long[3];
        for (int part = 0; part < 3; part++) {
            int start = i;
            long value = 0;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                if (i - start >= 18) {
                    return null;
                }
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            if (i == start || (i - start > 1 && text.charAt(start) == '0')) {
                return null;
            }
            numbers[part] = value;
            if (part < 2) {
                if (i >= n || text.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        List<String> pre = List.of();
        if (i < n && text.charAt(i) == '-') {
            int end = indexOf(text, '+', i + 1);
            pre = identifiers(text.substring(i + 1, end), true);
            if (pre == null) {
                return null;
            }
            i = end;
        }
        String build = "";
        if (i < n && text.charAt(i) == '+') {
            build = text.substring(i + 1);
            if (identifiers(build, false) == null) {
                return null;
            }
            i = n;
        }
        return i == n ? new Version(numbers[0], numbers[1], numbers[2], pre, build) : null;
    }

    private static int indexOf(String text, char c, int from) {
        int at = text.indexOf(c, from);
        return at < 0 ? text.length() : at;
    }

    private static List<String> identifiers(String text, boolean numericWithoutLeadingZero) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = indexOf(text, '.', start);
            String id = text.substring(start, end);
            if (id.isEmpty()) {
                return null;
            }
            boolean numeric = true;
            for (int k = 0; k < id.length(); k++) {
                char c = id.charAt(k);
                boolean digit = c >= '0' && c <= '9';
                if (!digit && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '-') {
                    return null;
                }
                numeric &= digit;
            }
            if (numericWithoutLeadingZero && numeric && id.length() > 1 && id.charAt(0) == '0') {
                return null;
            }
            out.add(id);
            if (end == text.length()) {
                return List.copyOf(out);
            }
            start = end + 1;
        }
    }

    long major() {
        return major;
    }

    long minor() {
        return minor;
    }

    long patch() {
        return patch;
    }

    /** The pre-release identifiers ({@code rc.1} → {@code [rc, 1]}); empty for a release. */
    List<String> prerelease() {
        return prerelease;
    }

    /** The build metadata after {@code +}, or "". */
    String build() {
        return build;
    }

    /** True for a pre-release ({@code 1.0.0-rc.1}). */
    public boolean isPrerelease() {
        return !prerelease.isEmpty();
    }

    /**
     * The next version for a bump, as npm's {@code semver.inc} does: from a pre-release, the bump
     * that reaches its release ({@code 2.0.0-rc.1} + major → {@code 2.0.0}, + patch → {@code 2.0.0}).
     * {@link Bump#AUTO} is not a bump by itself: see {@link Changelog#nextVersion}.
     */
    Version bump(Bump bump) {
        boolean pre = isPrerelease();
        switch (bump) {
            case MAJOR:
                return pre && minor == 0 && patch == 0 ? of(major, 0, 0) : of(major + 1, 0, 0);
            case MINOR:
                return pre && patch == 0 ? of(major, minor, 0) : of(major, minor + 1, 0);
            case PATCH:
                return pre ? of(major, minor, patch) : of(major, minor, patch + 1);
            default:
                throw new IllegalArgumentException("resolve " + bump + " to major, minor or patch first");
        }
    }

    @Override
    public int compareTo(Version other) {
        int c = Long.compare(major, other.major);
        if (c == 0) {
            c = Long.compare(minor, other.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, other.patch);
        }
        if (c != 0) {
            return c;
        }
        if (prerelease.isEmpty() || other.prerelease.isEmpty()) {
            return Boolean.compare(prerelease.isEmpty(), other.prerelease.isEmpty());
        }
        for (int i = 0; i < Math.min(prerelease.size(), other.prerelease.size()); i++) {
            c = compareIdentifier(prerelease.get(i), other.prerelease.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(prerelease.size(), other.prerelease.size());
    }

    private static int compareIdentifier(String a, String b) {
        boolean numericA = isNumeric(a);
        boolean numericB = isNumeric(b);
        if (numericA && numericB) {
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        if (numericA != numericB) {
            return numericA ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static boolean isNumeric(String id) {
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Equal in every part, build metadata included (precedence ignores it: see {@link #compareTo}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Version v && compareTo(v) == 0 && build.equals(v.build);
    }

    @Override
    public int hashCode() {
        return Objects.hash(major, minor, patch, prerelease, build);
    }

    /** The canonical text, without a {@code v} prefix. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(major).append('.').append(minor).append('.').append(patch);
        if (!prerelease.isEmpty()) {
            s.append('-').append(String.join(".", prerelease));
        }
        if (!build.isEmpty()) {
            s.append('+').append(build);
        }
        return s.toString();
    }
}

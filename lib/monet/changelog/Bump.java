package monet.changelog;

import java.util.Locale;

/** How {@code release --bump} picks the next version. */
public enum Bump {
    MAJOR, MINOR, PATCH,
    /**
     * From the [Unreleased] section types: Removed or Changed → major, Added or Deprecated →
     * minor, only Fixed or Security → patch. While the major version is 0, a major change bumps
     * the minor version and anything else the patch ({@code 0.3.1} → {@code 0.4.0} or
     * {@code 0.3.2}); {@code --bump major} leaves 0.x for {@code 1.0.0}. A first release is 0.1.0.
     */
    AUTO;

    /** {@code major}, {@code minor}, {@code patch} or {@code auto}, any case. */
    public static Bump parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ChangelogException.usage("unknown bump '" + text + "': use major, minor, patch or auto");
        }
    }
}

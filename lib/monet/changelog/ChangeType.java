package monet.changelog;

import java.util.Locale;
import java.util.Map;
import monet.text.Suggestions;

/** The Keep a Changelog section types, in their canonical order. */
public enum ChangeType {
    ADDED("Added"), CHANGED("Changed"), DEPRECATED("Deprecated"), REMOVED("Removed"), FIXED("Fixed"), SECURITY("Security");

    /** Words real changelogs use for a type, mapped to the type they mean. */
    private static final Map<String, ChangeType> SYNONYMS = Map.ofEntries(
            Map.entry("add", ADDED), Map.entry("new", ADDED), Map.entry("features", ADDED), Map.entry("feature", ADDED),
            Map.entry("change", CHANGED), Map.entry("changes", CHANGED), Map.entry("updated", CHANGED),
            Map.entry("improved", CHANGED), Map.entry("deprecations", DEPRECATED), Map.entry("deprecate", DEPRECATED),
            Map.entry("remove", REMOVED), Map.entry("deleted", REMOVED), Map.entry("removals", REMOVED),
            Map.entry("fix", FIXED), Map.entry("fixes", FIXED), Map.entry("bugfix", FIXED), Map.entry("bugfixes", FIXED),
            Map.entry("bug fixes", FIXED), Map.entry("bugs", FIXED), Map.entry("secure", SECURITY),
            Map.entry("vulnerabilities", SECURITY));

    private static final ChangeType[] ALL = values();
    private final String title;

    ChangeType(String title) {
        this.title = title;
    }

    /** The heading text: {@code Added}, {@code Fixed}, ... */
    public String title() {
        return title;
    }

    /** The type a heading names exactly, ignoring case ({@code fixed} → FIXED), or null. */
    static ChangeType of(String name) {
        String trimmed = name.trim();
        for (ChangeType type : ALL) {
            if (type.title.equalsIgnoreCase(trimmed)) {
                return type;
            }
        }
        return null;
    }

    /** The type a name means, exactly or by a word real changelogs use for it ({@code Bug fixes} → FIXED), or null. */
    static ChangeType named(String name) {
        ChangeType type = of(name);
        return type != null ? type : SYNONYMS.get(name.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * The type for a command-line argument ({@code fixed}, {@code Fixed}, {@code fix}).
     *
     * @throws ChangelogException naming the nearest type when there is none
     */
    public static ChangeType parse(String name) {
        ChangeType type = named(name);
        if (type == null) {
            ChangeType near = nearest(name);
            throw ChangelogException.usage("unknown change type '" + name + "'"
                    + (near != null ? " (did you mean '" + near.name().toLowerCase(Locale.ROOT) + "'?)" : "")
                    + ": use " + names());
        }
        return type;
    }

    /** The type an unknown heading most likely meant ({@code Fix} → FIXED), or null if none is close. */
    static ChangeType nearest(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        ChangeType synonym = SYNONYMS.get(wanted);
        if (synonym != null) {
            return synonym;
        }
        ChangeType best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ChangeType type : values()) {
            String title = type.title.toLowerCase(Locale.ROOT);
            int distance = title.startsWith(wanted) && wanted.length() >= 3 ? 1 : Suggestions.distance(wanted, title);
            if (distance < bestDistance) {
                best = type;
                bestDistance = distance;
            }
        }
        return bestDistance <= Math.max(2, wanted.length() / 3) ? best : null;
    }

    /** {@code added, changed, deprecated, removed, fixed, security}. */
    static String names() {
        StringBuilder s = new StringBuilder();
        for (ChangeType type : values()) {
            s.append(s.length() == 0 ? "" : ", ").append(type.name().toLowerCase(Locale.ROOT));
        }
        return s.toString();
    }
}

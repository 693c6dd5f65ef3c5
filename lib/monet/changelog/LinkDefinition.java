package monet.changelog;

import java.util.Locale;

/** A reference link definition, {@code [label]: url}, at a 1-based line. Labels match ignoring case. */
record LinkDefinition(int line, String label, String url) {
    /** The label as Markdown matches it: case-folded, inner whitespace collapsed. */
    String key() {
        return key(label);
    }

    static String key(String label) {
        String trimmed = label.trim();
        for (int i = 0; i < trimmed.length(); i++) {
            if (Character.isWhitespace(trimmed.charAt(i))) {
                return trimmed.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
            }
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }
}

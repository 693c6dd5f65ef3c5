package monet.console;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The process-wide secret registry. Every registered value is replaced by {@value #MASK}
 * in everything the library prints, error messages included, in every form it takes there:
 * as it is, quoted for a POSIX shell ({@code 'it'\''s'}, what --dry-run shows), escaped in JSON
 * (Jackson's form and the ASCII-only {@code \u00e9} form Python's {@code json.dumps} writes),
 * and the JSON of its shell-quoted form; for a multi-line value, each of its lines too. Any
 * length counts: a one-character secret is still a secret. Under GitHub Actions each new form
 * is also announced with {@code ::add-mask::} so the runner hides it in its own logs.
 */
public final class Secrets {
    /** What a secret is replaced with. */
    public static final String MASK = "***";

    private static final Set<String> FORMS = new LinkedHashSet<>();
    private static volatile Pattern pattern;
    private static volatile java.util.function.Consumer<String> announcer = value -> {};

    private Secrets() {}

    /**
     * Registers a secret value (every form of it).
     *
     * @return the value, so that {@code var token = Secrets.register(env("TOKEN"))} reads well
     */
    public static String register(String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        List<String> parts = new ArrayList<>(List.of(value));
        if (value.contains("\n")) {
            for (String line : value.split("\r?\n")) {
                if (!line.isBlank()) {
                    parts.add(line);
                }
            }
        }
        List<String> added = new ArrayList<>();
        synchronized (FORMS) {
            for (String part : parts) {
                for (String form : forms(part)) {
                    if (FORMS.add(form)) {
                        added.add(form);
                    }
                }
            }
            if (!added.isEmpty()) {
                pattern = Pattern.compile(FORMS.stream().sorted(Comparator.comparingInt(String::length).reversed())
                        .map(Pattern::quote).collect(Collectors.joining("|")));
            }
        }
        added.forEach(announcer);
        return value;
    }

    private static Set<String> forms(String value) {
        String quoted = shellQuoted(value);
        Set<String> forms = new LinkedHashSet<>(List.of(value, quoted, json(value, false, false), json(value, true, false),
                json(value, true, true), json(quoted, false, false)));
        forms.remove("");
        return forms;
    }

    /** What {@code Shell.quote} writes for a value that is not a plain word (a plain word is its own form). */
    private static String shellQuoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** The value inside a JSON string: quotes, backslashes and control characters escaped; optionally everything non-ASCII as \\uXXXX. */
    private static String json(String value, boolean asciiOnly, boolean upperHex) {
        StringBuilder text = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"': text.append("\\\""); break;
                case '\\': text.append("\\\\"); break;
                case '\n': text.append("\\n"); break;
                case '\r': text.append("\\r"); break;
                case '\t': text.append("\\t"); break;
                case '\b': text.append("\\b"); break;
                case '\f': text.append("\\f"); break;
                default:
                    if (c < 0x20 || asciiOnly && c > 0x7e) {
                        String hex = String.format("%04x", (int) c);
                        text.append("\\u").append(upperHex ? hex.toUpperCase(java.util.Locale.ROOT) : hex);
                    } else {
                        text.append(c);
                    }
            }
        }
        return text.toString();
    }

    /**
     * Returns the text with every form of every registered secret replaced by {@value #MASK}.
     * Masking can itself make a secret appear (a secret "*", or one completed by the mask next
     * to it): the text is masked until none is left, and if the mask keeps producing one, the
     * secrets are removed instead.
     */
    public static String mask(String text) {
        Pattern current = pattern;
        if (text == null || current == null) {
            return text;
        }
        String masked = text;
        for (int pass = 0; pass < 3 && current.matcher(masked).find(); pass++) {
            masked = current.matcher(masked).replaceAll(Matcher.quoteReplacement(MASK));
        }
        while (current.matcher(masked).find()) {
            masked = current.matcher(masked).replaceAll("");
        }
        return masked;
    }

    /** True when the text contains no form of a registered secret. */
    public static boolean isClean(String text) {
        Pattern current = pattern;
        return text == null || current == null || !current.matcher(text).find();
    }

    /** Called with each newly registered form (GitHub Actions' {@code ::add-mask::}). */
    static void announceWith(java.util.function.Consumer<String> newAnnouncer) {
        announcer = newAnnouncer;
        synchronized (FORMS) {
            FORMS.forEach(newAnnouncer);
        }
    }

    /** Forgets every secret. For tests. */
    public static void clearForTests() {
        synchronized (FORMS) {
            FORMS.clear();
            pattern = null;
        }
        announcer = value -> {};
    }
}

package monet.console;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The process-wide secret registry. Every registered value is replaced by {@value #MASK}
 * in everything the library prints, error messages included. Under GitHub Actions each new
 * value is also announced with {@code ::add-mask::} so the runner hides it in its own logs.
 */
public final class Secrets {
    /** What a secret is replaced with. */
    public static final String MASK = "***";
    /** Values shorter than this are not registered: masking "a" would ruin every line. */
    static final int MIN_LENGTH = 4;

    private static final List<String> VALUES = new CopyOnWriteArrayList<>();
    private static volatile java.util.function.Consumer<String> announcer = value -> {};

    private Secrets() {}

    /**
     * Registers a secret value (and each of its lines, for multi-line values).
     *
     * @return the value, so that {@code var token = Secrets.register(env("TOKEN"))} reads well
     */
    public static String register(String value) {
        if (value == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        parts.add(value);
        if (value.contains("\n")) {
            for (String line : value.split("\r?\n")) {
                parts.add(line);
            }
        }
        for (String part : parts) {
            if (part.strip().length() >= MIN_LENGTH && !VALUES.contains(part)) {
                VALUES.add(part);
                VALUES.sort(Comparator.comparingInt(String::length).reversed());
                announcer.accept(part);
            }
        }
        return value;
    }

    /** Returns the text with every registered secret replaced by {@value #MASK}. */
    public static String mask(String text) {
        if (text == null || VALUES.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String value : VALUES) {
            if (masked.contains(value)) {
                masked = masked.replace(value, MASK);
            }
        }
        return masked;
    }

    /** True when the text contains no registered secret. */
    public static boolean isClean(String text) {
        return text == null || VALUES.stream().noneMatch(text::contains);
    }

    /** Called with each newly registered value (GitHub Actions' {@code ::add-mask::}). */
    static void announceWith(java.util.function.Consumer<String> newAnnouncer) {
        announcer = newAnnouncer;
        VALUES.forEach(newAnnouncer);
    }

    /** Forgets every secret. For tests. */
    public static void clearForTests() {
        VALUES.clear();
        announcer = value -> {};
    }
}

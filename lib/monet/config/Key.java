package monet.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configuration key: its name in {@code monet.properties}, the type its value is read as, its
 * default, what it means, and the environment variables that set it ({@code MONET_} + the name
 * in capitals, dots and dashes as underscores, plus any the seed already uses, such as
 * {@code SES_SENDER_EMAIL}). Every key is a constant in {@link Keys}, so a mistyped key is a
 * compile error, and {@link Config#get(Key)} returns the value already typed: a bad value is
 * reported when the configuration is loaded, with the file and line, variable or flag that set it.
 *
 * @param <T> the value's type
 */
public final class Key<T> {
    private static final Pattern SECONDS = Pattern.compile("(\\d{1,9})\\s*([smh]?)");

    private final String name;
    private final String defaultValue;
    private final String description;
    private final String expected;
    private final Function<String, T> parser;
    private final List<String> extraEnv;

    private Key(String name, String defaultValue, String description, String expected, Function<String, T> parser,
                List<String> extraEnv) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.description = description;
        this.expected = expected;
        this.parser = parser;
        this.extraEnv = List.copyOf(extraEnv);
    }

    /** Text, taken as it is (surrounding blanks removed); "" usually means "none". */
    static Key<String> text(String name, String defaultValue, String description, String... extraEnv) {
        return new Key<>(name, defaultValue, description, "text", text -> text, List.of(extraEnv));
    }

    /** A whole number from {@code min} to {@code max}. */
    static Key<Integer> number(String name, int defaultValue, int min, int max, String description) {
        return new Key<>(name, String.valueOf(defaultValue), description, "a whole number from " + min + " to " + max, text -> {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException("out of range");
            }
            return value;
        }, List.of());
    }

    /** A duration in seconds ({@code 600}), or with a unit ({@code 90s}, {@code 10m}, {@code 2h}), from min to max seconds. */
    static Key<Duration> seconds(String name, int defaultSeconds, long min, long max, String description) {
        return new Key<>(name, String.valueOf(defaultSeconds), description,
                "seconds from " + min + " to " + max + " (600, or with a unit: 90s, 10m, 2h)", text -> {
            Matcher m = SECONDS.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a duration");
            }
            long amount = Long.parseLong(m.group(1));
            Duration value = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofSeconds(amount);
            };
            if (value.toSeconds() < min || value.toSeconds() > max) {
                throw new IllegalArgumentException("out of range");
            }
            return value;
        }, List.of());
    }

    /** {@code true} or {@code false} (any case). */
    static Key<Boolean> flag(String name, boolean defaultValue, String description) {
        return new Key<>(name, String.valueOf(defaultValue), description, "true or false", text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        }, List.of());
    }

    /** A local file, {@code ~/} meaning the user's home; "" for none. */
    static Key<Optional<Path>> path(String name, String defaultValue, String description) {
        return new Key<>(name, defaultValue, description, "a path (~/ for the home directory), or \"\" for none",
                text -> text.isEmpty() ? Optional.empty()
                        : Optional.of(text.startsWith("~/") ? Path.of(System.getProperty("user.home"), text.substring(2)) : Path.of(text)),
                List.of());
    }

    /** Comma-separated words, blanks around each removed, empty ones dropped. */
    static Key<List<String>> list(String name, String defaultValue, String description) {
        return new Key<>(name, defaultValue, description, "a comma-separated list",
                text -> Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(), List.of());
    }

    /** The key, e.g. {@code instance.tag}. */
    public String name() {
        return name;
    }

    /** The built-in value, as text ("" when there is none). */
    public String defaultValue() {
        return defaultValue;
    }

    /** What it is, for {@code config} output and {@code --help}. */
    public String description() {
        return description;
    }

    /** What a value must look like ("text", "true or false", ...). */
    public String expected() {
        return expected;
    }

    /** Other environment variables that set it, weaker than the MONET_ one. */
    public List<String> extraEnv() {
        return extraEnv;
    }

    /** The MONET_... variable for this key. */
    public String env() {
        return "MONET_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The typed value of a text.
     *
     * @param origin what set it, for the message: {@code FILE:LINE}, a variable or {@code --set KEY}
     * @throws ConfigException naming the origin, the key, what it expects and what it got
     */
    T parse(String text, String origin) {
        try {
            return parser.apply(text);
        } catch (RuntimeException bad) {
            throw new ConfigException((origin.isEmpty() ? "" : origin + ": ") + name + " must be " + expected + ", got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}

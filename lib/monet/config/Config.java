package monet.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import monet.text.Suggestions;
import monet.text.TextTable;

/**
 * The toolkit's configuration, in one place. Each key's value comes from, strongest first:
 * <ol>
 *   <li>a flag ({@code --set KEY=VALUE}, or a script's own option),</li>
 *   <li>an environment variable ({@code MONET_INSTANCE_TAG}, ...; see {@link Key#env()}),</li>
 *   <li>the config file: {@code $MONET_CONFIG}, else the first {@value #FILE_NAME} found from
 *       the current directory upwards,</li>
 *   <li>the built-in default (the seed's values).</li>
 * </ol>
 * Every value is checked against its key's type when it is loaded, so a bad one stops the script
 * before it does anything, with the file and line (or variable, or flag) that set it. The keys
 * are the constants of {@link Keys}; the other environment variables the toolkit reads are those
 * of {@link Environment}, and they too are read only here.
 * AWS settings (credentials, profile, endpoint) are not here: the AWS SDK's own provider
 * chains read {@code AWS_PROFILE}, {@code AWS_REGION}, {@code AWS_ENDPOINT_URL} and the rest.
 * {@code aws.region} is only the fallback for when that chain finds no region.
 */
public final class Config {
    /** The config file's name. */
    public static final String FILE_NAME = "monet.properties";
    /** The variable that names the config file instead of the search upwards. */
    public static final String FILE_VARIABLE = "MONET_CONFIG";

    private final Map<Key<?>, Value> values;
    private final Map<String, String> env;
    private final Path file;

    private Config(Map<Key<?>, Value> values, Map<String, String> env, Path file) {
        this.values = values;
        this.env = env;
        this.file = file;
    }

    /** Where a value came from. */
    public enum Source { DEFAULT, FILE, ENV, FLAG }

    /**
     * A resolved value.
     *
     * @param key    the key
     * @param value  its value as text
     * @param typed  its value as the key's type
     * @param source where it came from
     * @param origin the file:line, variable or flag that set it ("" for defaults)
     */
    public record Value(Key<?> key, String value, Object typed, Source source, String origin) {
        static Value of(Key<?> key, String text, Source source, String origin) {
            String value = text.strip();
            return new Value(key, value, key.parse(value, origin), source, origin);
        }
    }

    /** Loads the configuration for this process: file, environment, then the given flag values. */
    public static Config load(Map<String, String> flags) {
        return load(System.getenv(), Path.of("").toAbsolutePath(), flags);
    }

    /** Loads the configuration from an explicit environment and directory (for tests). */
    public static Config load(Map<String, String> env, Path cwd, Map<String, String> flags) {
        Map<Key<?>, Value> values = new LinkedHashMap<>();
        for (Key<?> key : Keys.ALL) {
            values.put(key, Value.of(key, key.defaultValue(), Source.DEFAULT, ""));
        }
        Path file = findFile(env, cwd);
        if (file != null) {
            readFile(file, values);
        }
        for (Key<?> key : Keys.ALL) {
            List<String> names = new ArrayList<>(key.extraEnv());
            names.add(key.env());
            for (String name : names) {
                String value = env.get(name);
                if (value != null && !value.isEmpty()) {
                    values.put(key, Value.of(key, value, Source.ENV, name));
                }
            }
        }
        flags.forEach((name, value) -> {
            Key<?> key = keyNamed(name).orElseThrow(() -> unknown(name, "--set " + name + "=..."));
            values.put(key, Value.of(key, value, Source.FLAG, "--set " + name));
        });
        return new Config(values, Map.copyOf(env), file);
    }

    /** The value of a key, as its type (text values are never null; "" when unset). */
    @SuppressWarnings("unchecked") // Value.of typed it with this key's own parser
    public <T> T get(Key<T> key) {
        return (T) values.get(key).typed();
    }

    /** The value of a text key that must be set, with a message saying how to set it. */
    public String require(Key<String> key) {
        String value = get(key);
        if (value.isBlank()) {
            throw new ConfigException("configuration '" + key.name() + "' (" + key.description() + ") is not set: use --set "
                    + key.name() + "=..., " + key.env() + ", or a line '" + key.name() + " = ...' in " + FILE_NAME);
        }
        return value;
    }

    /** A declared environment variable's value, or "" when it is not set. */
    public String get(Environment.Variable variable) {
        return env.getOrDefault(variable.name(), "");
    }

    /**
     * An environment variable whose name is itself configuration (the secret {@code e2e.secret}
     * names), or "" when it is not set. Every other variable is an {@link Environment} constant.
     */
    public String variableNamedBy(Key<String> key) {
        return env.getOrDefault(get(key), "");
    }

    /** Every value with where it came from, in key order. */
    public List<Value> values() {
        return List.copyOf(values.values());
    }

    /** The config file that was read, if any. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** A table of every key, value and source, then the environment variables read: what {@code config} prints. */
    public String describe() {
        TextTable table = new TextTable();
        for (Value v : values.values()) {
            String source = v.source().name().toLowerCase() + (v.origin().isEmpty() ? "" : " " + v.origin());
            table.row(v.key().name(), "=", v.value(), "(" + source + ")");
        }
        TextTable variables = new TextTable();
        for (Environment.Variable variable : Environment.ALL) {
            variables.row(variable.name(), "=", shown(variable), variable.description());
        }
        return "config file: " + (file == null ? "(none found; looked for " + FILE_NAME + ")" : file) + "\n" + table.render()
                + "environment:\n" + variables.render();
    }

    /** A variable's value for display: secrets only as set or unset. */
    public String shown(Environment.Variable variable) {
        String value = get(variable);
        return value.isEmpty() ? "(unset)" : variable.secret() ? "(set, secret)" : value;
    }

    private static Path findFile(Map<String, String> env, Path cwd) {
        String explicit = env.get(FILE_VARIABLE);
        if (explicit != null && !explicit.isEmpty()) {
            Path path = Path.of(explicit);
            if (!Files.isRegularFile(path)) {
                throw new ConfigException(FILE_VARIABLE + " names " + path + ", which is not a file");
            }
            return path;
        }
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static void readFile(Path file, Map<Key<?>, Value> values) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1);
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(where + ": expected 'key = value', found '" + line + "'");
            }
            String name = line.substring(0, eq).strip();
            Key<?> key = keyNamed(name).orElseThrow(() -> unknown(name, where));
            values.put(key, Value.of(key, line.substring(eq + 1), Source.FILE, where));
        }
    }

    private static Optional<Key<?>> keyNamed(String name) {
        return Keys.ALL.stream().filter(k -> k.name().equals(name)).findFirst();
    }

    private static ConfigException unknown(String name, String where) {
        List<String> names = Keys.ALL.stream().map(Key::name).toList();
        String nearest = Suggestions.closest(name, names).orElse("");
        return new ConfigException(where + ": unknown configuration key '" + name + "' (did you mean '" + nearest
                + "'? keys: " + String.join(", ", names) + ")");
    }
}

package monet.config;

import java.util.List;

/**
 * A configuration key: its name in {@code monet.properties}, its default, what it means, and
 * the environment variables that set it ({@code MONET_} + the name in capitals, dots as
 * underscores, plus any the seed already uses, such as {@code SES_SENDER_EMAIL}).
 *
 * @param name        the key, e.g. {@code instance.tag}
 * @param defaultValue the built-in value ("" when there is none)
 * @param description what it is, for {@code config} output and {@code --help}
 * @param extraEnv    other environment variables that set it, weaker than the MONET_ one
 */
public record Key(String name, String defaultValue, String description, List<String> extraEnv) {
    /** The MONET_... variable for this key. */
    public String env() {
        return "MONET_" + name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}

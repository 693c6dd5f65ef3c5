package monet.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import monet.config.Config;
import picocli.CommandLine.Option;

/** The {@code --set KEY=VALUE} option every script has, and the {@link Config} it yields. */
public final class ConfigOptions {
    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a configuration value for this run (repeatable; see the `config` command).")
    Map<String, String> overrides = new LinkedHashMap<>();

    private Config config;

    /** The configuration: defaults, then monet.properties, then environment, then {@code --set}. */
    public Config config() {
        if (config == null) {
            config = Config.load(overrides);
        }
        return config;
    }
}

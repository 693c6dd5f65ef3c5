package monet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import monet.config.Config;
import monet.config.Environment;
import monet.console.Console;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code config} subcommand every script has: each key's value and where it came from. */
@Command(name = "config",
        description = {"Show the configuration: every key, its value and where it came from.",
                "Precedence, strongest first: --set KEY=VALUE, environment (MONET_KEY_NAME), "
                        + Config.FILE_NAME + " (found from the current directory upwards, or $MONET_CONFIG), "
                        + "built-in defaults. AWS credentials, profile, region and endpoint come from the AWS SDK's "
                        + "own chain (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...).",
                "Each key has a type (text, whole number, seconds such as 600 or 10m, true/false, path, list): a bad "
                        + "value stops any command that reads the configuration before it acts, with exit 2, naming the "
                        + "file and line, variable or flag that set it. "
                        + "The environment variables the toolkit reads are listed last (secrets only as set or unset)."})
public final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Config config = options.config();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            root.put("file", config.file().map(Object::toString).orElse(null));
            ArrayNode keys = root.putArray("keys");
            for (Config.Value value : config.values()) {
                keys.addObject().put("key", value.key().name()).put("value", value.value())
                        .put("source", value.source().name().toLowerCase()).put("origin", value.origin())
                        .put("env", value.key().env()).put("expected", value.key().expected())
                        .put("description", value.key().description());
            }
            ArrayNode variables = root.putArray("environment");
            for (Environment.Variable variable : Environment.ALL) {
                variables.addObject().put("name", variable.name()).put("value", config.shown(variable))
                        .put("description", variable.description());
            }
            Console.get().out(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            config.describe().lines().forEach(Console.get()::out);
        }
        return 0;
    }
}

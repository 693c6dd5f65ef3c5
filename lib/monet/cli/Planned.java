package monet.cli;

import monet.MonetException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Subcommands that are listed in {@code --help} but not built yet: running one says so and exits 1. */
public final class Planned {
    private Planned() {}

    /** Adds a planned subcommand that accepts any arguments and fails with "not built yet (issue)". */
    public static void add(CommandLine parent, String name, String description, String issue) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection((java.util.concurrent.Callable<Integer>) () -> {
            throw new MonetException("'" + parent.getCommandName() + " " + name + "' is not built yet (" + issue + ")");
        });
        spec.name(name).mixinStandardHelpOptions(true);
        spec.usageMessage().description(description + " [not built yet: " + issue + "]");
        spec.addPositional(PositionalParamSpec.builder().arity("0..*").paramLabel("ARGS").type(String[].class)
                .description("arguments").build());
        spec.parser().unmatchedOptionsArePositionalParams(true);
        parent.addSubcommand(name, new CommandLine(spec));
    }
}

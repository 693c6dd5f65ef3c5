package monet.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code -h, --help}, declared once: mixed into a script's top command ({@code @Mixin HelpOption}),
 * it reaches every subcommand (picocli's inherited scope). Subcommands declare no help option of
 * their own.
 */
public final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help message and exit.")
    boolean help;
}

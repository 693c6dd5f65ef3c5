package monet.cli;

import java.io.PrintWriter;
import monet.MonetException;
import monet.console.Console;
import monet.console.Secrets;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * Runs a script's picocli command with the toolkit's conventions: exit 0 ok, 1 failure, 2 usage;
 * usage errors print the message and the usage on stderr; failures print one masked
 * {@code error:} line (an {@code ::error::} annotation under GitHub Actions), with the stack
 * trace only when {@code MONET_DEBUG} is set; {@code NO_COLOR} and non-terminals get no colour.
 */
public final class Cli {
    private Cli() {}

    /** Runs the command and exits the JVM with its exit code: every script's {@code main}. */
    public static void main(Object command, String... args) {
        System.exit(commandLine(command).execute(args));
    }

    private static CommandLine commandLine(Object command) {
        CommandLine cmd = new CommandLine(command);
        boolean plain = Console.get().mode() != Console.Mode.TERMINAL;
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(plain ? Ansi.OFF : Ansi.AUTO));
        cmd.setUsageHelpAutoWidth(true);
        inheritExitCodes(cmd, cmd.getCommandSpec().usageMessage());
        cmd.setExitCodeExceptionMapper(e -> e instanceof MonetException m ? m.exitCode() : MonetException.FAILURE);
        cmd.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine failed = ex.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println(Secrets.mask(ex.getMessage()));
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.print(failed.getUsageMessage(failed.getColorScheme()));
            err.flush();
            return MonetException.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            if (ex instanceof MonetException m && m.exitCode() == MonetException.USAGE) {
                Console.get().error(null, m.getMessage() + " (see '" + failed.getCommandSpec().qualifiedName() + " --help')");
                return MonetException.USAGE;
            }
            String message = ex instanceof MonetException ? ex.getMessage()
                    : ex.getClass().getSimpleName() + ": " + ex.getMessage();
            Console.get().error(null, message);
            if (Console.get().debug()) {
                StringBuilder trace = new StringBuilder();
                for (Throwable t = ex; t != null; t = t.getCause()) {
                    trace.append(t).append('\n');
                    for (StackTraceElement element : t.getStackTrace()) {
                        trace.append("    at ").append(element).append('\n');
                    }
                }
                Console.get().info(trace.toString());
            }
            return ex instanceof MonetException m ? m.exitCode() : MonetException.FAILURE;
        });
        return cmd;
    }

    /**
     * Every subcommand's {@code --help} lists the exit codes: its own where it declares them, else
     * the script's (declared once, on the top command).
     */
    private static void inheritExitCodes(CommandLine cmd, CommandLine.Model.UsageMessageSpec top) {
        for (CommandLine sub : cmd.getSubcommands().values()) {
            CommandLine.Model.UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
            if (usage.exitCodeList().isEmpty()) {
                usage.exitCodeListHeading(top.exitCodeListHeading()).exitCodeList(top.exitCodeList());
            }
            inheritExitCodes(sub, top);
        }
    }
}

///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Cut, build, publish, deploy, verify and roll back releases of Code Monet.
//SOURCES ../lib/monet/Monet.java
package monet.scripts;

import java.util.concurrent.Callable;
import monet.cli.Cli;
import monet.cli.ConfigCommand;
import monet.cli.Planned;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "release", mixinStandardHelpOptions = true, subcommands = ConfigCommand.class,
        description = "Cut, build, publish, deploy, verify and roll back releases of Code Monet.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure", "2:usage error"})
class release implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String... args) {
        CommandLine cli = Cli.commandLine(new release());
        Planned.add(cli, "cut", "Cut a release: changelog, commit, tag, push.", "issue 5");
        Planned.add(cli, "pipeline", "Run every release stage.", "issue 5");
        Planned.add(cli, "deploy", "Deploy a version.", "issue 5");
        Planned.add(cli, "verify", "Verify the deployed version.", "issue 5");
        Planned.add(cli, "rollback", "Go back to the previous version.", "issue 5");
        Planned.add(cli, "status", "What runs where.", "issue 5");
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }
}

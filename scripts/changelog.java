///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Read, check and edit Keep a Changelog files: lint, add, release, notes, show.
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

@Command(name = "changelog", mixinStandardHelpOptions = true, subcommands = ConfigCommand.class,
        description = "Read, check and edit Keep a Changelog files: lint, add, release, notes, show.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure", "2:usage error"})
class changelog implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String... args) {
        CommandLine cli = Cli.commandLine(new changelog());
        Planned.add(cli, "lint", "Check a changelog and report every problem as FILE:LINE:COLUMN.", "issue 3");
        Planned.add(cli, "add", "Add an entry under [Unreleased].", "issue 3");
        Planned.add(cli, "release", "Move [Unreleased] to a new version.", "issue 3");
        Planned.add(cli, "notes", "Print a version's notes.", "issue 3");
        Planned.add(cli, "show", "Show versions and entries.", "issue 3");
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }
}

///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Manage the production server over SSM (or SSH, or locally): logs, status, restart, migrate, users, exec, shell, db, ssh.
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

@Command(name = "remote", mixinStandardHelpOptions = true, subcommands = ConfigCommand.class,
        description = "Manage the production server over SSM (or SSH, or locally): logs, status, restart, migrate, users, exec, shell, db, ssh.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure", "2:usage error"})
class remote implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String... args) {
        CommandLine cli = Cli.commandLine(new remote());
        Planned.add(cli, "logs", "Show container logs.", "issue 4");
        Planned.add(cli, "status", "Containers, disk and health.", "issue 4");
        Planned.add(cli, "restart", "Restart a service.", "issue 4");
        Planned.add(cli, "version", "The running IMAGE_TAG.", "issue 4");
        Planned.add(cli, "migrate", "Run the database migrations.", "issue 4");
        Planned.add(cli, "create-invite", "Create an invite code.", "issue 4");
        Planned.add(cli, "create-user", "Create a user.", "issue 4");
        Planned.add(cli, "exec", "Run a command in the app container.", "issue 4");
        Planned.add(cli, "shell", "Run a command on the host.", "issue 4");
        Planned.add(cli, "db", "Query the SQLite database.", "issue 4");
        Planned.add(cli, "ssh", "Open an SSH session.", "issue 4");
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }
}

///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Check that production email works through SES: status, dns, send.
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

@Command(name = "ses-test", mixinStandardHelpOptions = true, subcommands = ConfigCommand.class,
        description = "Check that production email works through SES: status, dns, send.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure", "2:usage error"})
class SesTest implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String... args) {
        CommandLine cli = Cli.commandLine(new SesTest());
        Planned.add(cli, "status", "Identity, DKIM, MAIL FROM, sandbox and quota.", "issue 6");
        Planned.add(cli, "dns", "Check the DNS records SES needs.", "issue 6");
        Planned.add(cli, "send", "Send a test message.", "issue 6");
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }
}

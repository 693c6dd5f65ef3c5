///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -encoding UTF-8
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//DESCRIPTION Check that production email works through SES: status, dns, send.
//SOURCES ../lib/monet/package-info.java
//SOURCES ../lib/monet/aws/package-info.java
//SOURCES ../lib/monet/cli/package-info.java
//SOURCES ../lib/monet/config/package-info.java
//SOURCES ../lib/monet/console/package-info.java
//SOURCES ../lib/monet/ses/package-info.java
//SOURCES ../lib/monet/text/package-info.java
package monet.scripts;

import java.util.concurrent.Callable;
import monet.MonetException;
import monet.cli.Cli;
import monet.cli.HelpOption;
import monet.cli.ConfigCommand;
import monet.cli.ConfigOptions;
import monet.ses.Scenario;
import monet.ses.SesChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ses-test",
        subcommands = {SesTest.Status.class, SesTest.Dns.class, SesTest.Send.class, ConfigCommand.class},
        description = {"Check that production email works through SES: status, dns, send.",
                "The sender is ses.sender (SES_SENDER_EMAIL, default noreply@dmfenton.net); its domain is the SES "
                        + "domain identity (ses.domain), mail.DOMAIN its MAIL FROM domain (ses.mail-from). AWS credentials, "
                        + "region and endpoint come from the AWS SDK's chain (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL)."},
        footerHeading = "%nExamples:%n",
        footer = {"  ses-test status               # exit 1, with the fix, if email is blocked",
                "  ses-test status --json",
                "  ses-test dns --resolver 1.1.1.1   # ask this DNS server",
                "  ses-test send                 # to success@simulator.amazonses.com",
                "  ses-test send --scenario bounce",
                "  ses-test send --to me@example.com --subject Hello --dry-run",
                "  SES_SENDER_EMAIL=noreply@example.com ses-test status",
                "See docs/ses-test.md for the SES sandbox and production access."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure (something blocks sending, a record is wrong, SES refused)", "2:usage error"})
class SesTest {
    @Mixin
    HelpOption help;

    public static void main(String... args) {
        Cli.main(new SesTest(), args);
    }

    @Command(name = "status", sortOptions = false,
            description = {"Is anything blocking email? Identity, DKIM, MAIL FROM, sandbox, sending, quota.",
                    "Shows what SES says about the sender: domain identity verification, DKIM status and its "
                    + "tokens, MAIL FROM domain status, sandbox or production access (SES v2 GetAccount; where the "
                    + "endpoint lacks it, says so and falls back to what SES v1 can tell), sending enabled, quota and "
                    + "messages sent in the last 24 hours.",
                    "Prints a table (or JSON with --json); each problem that blocks sending is reported on stderr with "
                            + "its fix, and the exit code is 1. Warnings (sending works, but something is off or "
                            + "unknown) keep exit code 0. DKIM that is not verified is a warning (SES sends unsigned), "
                            + "a problem with --set ses.require-dkim=true."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:nothing blocks sending", "1:something blocks sending, or SES could not be read", "2:usage error"})
    static class Status implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--json", description = "Print JSON (settings, what SES said, every check with its fix) instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            return SesChecks.status(configOptions.config(), json);
        }
    }

    @Command(name = "dns", sortOptions = false,
            description = {"Are the DNS records SES needs published? Each ok, missing or wrong.",
                    "Resolves the DNS records SES needs and compares each with what SES expects: the "
                    + "verification TXT _amazonses.DOMAIN, the three DKIM CNAMEs TOKEN._domainkey.DOMAIN -> "
                    + "TOKEN.dkim.amazonses.com, SPF TXT on DOMAIN, DMARC TXT _dmarc.DOMAIN, and on the MAIL FROM "
                    + "domain the MX 10 feedback-smtp.REGION.amazonses.com and SPF TXT.",
                    "Each record is ok, missing, wrong (with the expected value and what was found), unknown (SES "
                            + "did not say what to expect: the tokens come from SES) or error (DNS did not answer)."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every record is as SES expects", "1:a record is missing, wrong or could not be checked",
                    "2:usage error"})
    static class Dns implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--resolver", paramLabel = "HOST[:PORT]",
                description = "DNS server to ask, e.g. 127.0.0.1:5353 or 1.1.1.1 (port 53 by default). "
                        + "Default: ses.resolver, else the system's resolvers.")
        String resolver;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            return SesChecks.dns(configOptions.config(), resolver, json);
        }
    }

    @Command(name = "send", sortOptions = false,
            description = {"Send a test message (text and HTML) and print SES's message id.",
                    "The message goes from the configured sender (ses.sender) through SES v1 SendEmail.",
                    "By default it goes to the SES mailbox simulator (SCENARIO@simulator.amazonses.com), which works "
                            + "in the sandbox and never reaches a person. An unverified sender, an unverified recipient "
                            + "while in the sandbox, or a throttle is reported with what to do."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:sent (or printed, with --dry-run)", "1:SES refused or could not be reached", "2:usage error"})
    static class Send implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--to", paramLabel = "ADDRESS",
                description = "Recipient. Default: the mailbox simulator's address for --scenario. In the sandbox "
                        + "only verified addresses receive mail.")
        String to;

        @Option(names = "--scenario", paramLabel = "SCENARIO",
                description = "Mailbox simulator outcome: ${COMPLETION-CANDIDATES} (default: success). Not with --to.")
        Scenario scenario;

        @Option(names = "--subject", paramLabel = "TEXT", description = "Subject. Default: 'Code Monet SES test TIMESTAMP'.")
        String subject;

        @Option(names = "--dry-run", description = "Print the message (headers, text and HTML) instead of sending it.")
        boolean dryRun;

        @Override
        public Integer call() {
            if (to != null && scenario != null) {
                throw MonetException.usage("--to and --scenario exclude each other: --scenario picks a mailbox simulator address");
            }
            if (to != null && !to.matches("[^@\\s]+@[^@\\s]+")) {
                throw MonetException.usage("--to '" + to + "' is not an email address");
            }
            return SesChecks.send(configOptions.config(), to, scenario, subject, dryRun);
        }
    }
}

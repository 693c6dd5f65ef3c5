package monet.ses;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import monet.aws.Aws;
import monet.config.Config;
import monet.config.Keys;
import monet.console.Console;

/**
 * What {@code ses-test} does, one method per command; the rest of this package is how. Each
 * prints on the console and returns the exit code.
 *
 * <pre>{@code
 * int code = SesChecks.status(config, false);
 * }</pre>
 */
public final class SesChecks {
    private SesChecks() {}

    /**
     * {@code ses-test status}: what SES says about the sender, judged. Returns 1 when something
     * blocks sending, 0 otherwise (warnings included).
     */
    public static int status(Config config, boolean json) {
        try (SesClients clients = SesClients.connect(config)) {
            SesSettings settings = SesSettings.from(config, clients.region());
            return new SesReadiness(settings, new SesInspector(clients, settings).snapshot()).print(Console.get(), json);
        }
    }

    /**
     * {@code ses-test dns}: the records SES needs, resolved through {@code resolver} (HOST[:PORT];
     * null means ses.resolver, blank the system's). Returns 1 unless every record is as SES expects.
     */
    public static int dns(Config config, String resolver, boolean json) {
        JndiDnsResolver dns = new JndiDnsResolver(resolver != null ? resolver : config.get(Keys.SES_RESOLVER));
        try (SesClients clients = SesClients.connect(config)) {
            SesSettings settings = SesSettings.from(config, clients.region());
            DnsReport.Expected expected = DnsReport.Expected.fromSes(new SesInspector(clients, settings), settings);
            return DnsReport.check(settings, expected, dns).print(Console.get(), json);
        }
    }

    /**
     * {@code ses-test send}: a test message from the sender to {@code to} (an address) or, when
     * null, the mailbox simulator's {@code scenario} address; {@code dryRun} prints it instead.
     * Prints SES's message id on stdout; a refusal throws with what to do.
     */
    public static int send(Config config, String to, Scenario scenario, String subject, boolean dryRun) {
        String recipient = to != null ? to : (scenario != null ? scenario : Scenario.success).address();
        Console console = Console.get();
        if (dryRun) {
            SesSettings settings = SesSettings.from(config, Aws.region(config).id());
            console.outRaw(TestMessage.of(settings, recipient, subject, hostName(), Instant.now()).render());
            console.info("dry run: nothing sent");
            return 0;
        }
        try (SesClients clients = SesClients.connect(config)) {
            SesSettings settings = SesSettings.from(config, clients.region());
            TestMessage message = TestMessage.of(settings, recipient, subject, hostName(), Instant.now());
            String id = new SesMailer(clients.v1(), settings).send(message);
            console.out(id);
            console.success("sent '" + message.subject() + "' from " + message.from() + " to " + recipient
                    + " through SES " + settings.region());
            return 0;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "an unnamed host";
        }
    }
}

package monet.ses;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import monet.MonetException;
import monet.console.Console;
import monet.text.TextTable;

/**
 * The DNS records the Terraform creates for SES, resolved and compared with what SES expects:
 * the verification TXT, the three DKIM CNAMEs, SPF and DMARC on the domain, and the MAIL FROM
 * domain's MX and SPF.
 */
final class DnsReport {
    static final String SPF = "v=spf1 include:amazonses.com ~all";
    private static final Pattern DMARC_POLICY = Pattern.compile("(?i)(^|;)\\s*p\\s*=\\s*(none|quarantine|reject)\\s*(;|$)");

    private final SesSettings settings;
    private final String resolver;
    private final List<RecordCheck> checks;

    private DnsReport(SesSettings settings, String resolver, List<RecordCheck> checks) {
        this.settings = settings;
        this.resolver = resolver;
        this.checks = List.copyOf(checks);
    }

    /**
     * What SES expects, as far as it said.
     *
     * @param verificationToken the {@code _amazonses} TXT value, null when unknown
     * @param dkimTokens        the DKIM tokens, empty when unknown
     * @param mailFromDomain    the MAIL FROM domain SES has (else the configured one)
     * @param unknown           why the tokens are unknown ("" when SES answered)
     */
    record Expected(String verificationToken, List<String> dkimTokens, String mailFromDomain, String unknown) {
        Expected {
            dkimTokens = List.copyOf(dkimTokens);
        }

        /** Asks SES; when it cannot answer, says why and keeps the checks that need no token. */
        static Expected fromSes(SesInspector inspector, SesSettings settings) {
            try {
                SesSnapshot.Verification v = inspector.domainVerification();
                SesSnapshot.Dkim dkim = inspector.dkim();
                SesSnapshot.MailFrom mailFrom = inspector.mailFrom();
                String mailFromDomain = mailFrom.configured() ? mailFrom.domain() : settings.mailFromDomain();
                String unknown = v == null ? "SES has no identity for " + settings.domain() + " in " + settings.region()
                        + ": create it first (terraform apply)" : "";
                if (unknown.isEmpty() && dkim.tokens().isEmpty()) {
                    unknown = "SES has no DKIM tokens for " + settings.domain() + " (aws ses verify-domain-dkim)";
                }
                return new Expected(v == null ? null : v.token(), dkim.tokens(), mailFromDomain, unknown);
            } catch (MonetException e) {
                return new Expected(null, List.of(), settings.mailFromDomain(), e.getMessage());
            }
        }
    }

    /** Resolves every record with {@code resolver} and compares it with {@code expected}. */
    static DnsReport check(SesSettings s, Expected expected, DnsResolver resolver) {
        List<RecordCheck> checks = new ArrayList<>();
        String verificationName = "_amazonses." + s.domain();
        if (expected.verificationToken() == null) {
            checks.add(unknown("verification", "TXT", verificationName, resolver, expected.unknown()));
        } else {
            DnsAnswer answer = resolver.lookup(verificationName, "TXT");
            checks.add(compare("verification", "TXT", verificationName, quote(expected.verificationToken()), answer,
                    answer.values().contains(expected.verificationToken()), "the token SES issued is not among the TXT values"));
        }
        if (expected.dkimTokens().isEmpty()) {
            checks.add(unknown("DKIM", "CNAME", "TOKEN._domainkey." + s.domain(), null, expected.unknown()));
        }
        int n = 0;
        for (String token : expected.dkimTokens()) {
            n++;
            String name = token + "._domainkey." + s.domain();
            String target = SesSettings.normalize(token + ".dkim.amazonses.com");
            DnsAnswer answer = resolver.lookup(name, "CNAME");
            checks.add(compare("DKIM " + n + "/" + expected.dkimTokens().size(), "CNAME", name, target, answer,
                    answer.values().contains(target), "points elsewhere"));
        }
        checks.add(spf("SPF", s.domain(), resolver));
        checks.add(dmarc(s.domain(), resolver));
        String mailFrom = expected.mailFromDomain();
        if (mailFrom.isEmpty()) {
            checks.add(new RecordCheck("MAIL FROM", "MX", "(none)", RecordCheck.Status.UNKNOWN, "", List.of(),
                    "no MAIL FROM domain: set ses.mail-from"));
        } else {
            DnsAnswer mx = resolver.lookup(mailFrom, "MX");
            boolean right = mx.values().stream().anyMatch(v -> v.endsWith(" " + s.feedbackHost()) || v.equals(s.feedbackHost()));
            checks.add(compare("MAIL FROM MX", "MX", mailFrom, "10 " + s.feedbackHost(), mx, right,
                    "no MX points at " + s.feedbackHost() + " (the region's feedback host)"));
            checks.add(spf("MAIL FROM SPF", mailFrom, resolver));
        }
        return new DnsReport(s, resolver.describe(), checks);
    }

    private static RecordCheck spf(String record, String name, DnsResolver resolver) {
        DnsAnswer answer = resolver.lookup(name, "TXT");
        List<String> spf = answer.values().stream()
                .filter(v -> v.toLowerCase(Locale.ROOT).matches("v=spf1(\\s.*)?")).collect(Collectors.toList());
        if (answer.outcome() == DnsAnswer.Outcome.FOUND && spf.isEmpty()) {
            return new RecordCheck(record, "TXT", name, RecordCheck.Status.MISSING, quote(SPF), answer.values(),
                    "TXT records exist, but none is SPF (v=spf1)");
        }
        if (spf.size() > 1) {
            return new RecordCheck(record, "TXT", name, RecordCheck.Status.WRONG, quote(SPF), answer.values(),
                    spf.size() + " SPF records: receivers treat that as a permanent error; merge them into one");
        }
        boolean right = spf.size() == 1 && List.of(spf.get(0).toLowerCase(Locale.ROOT).split("\\s+")).contains("include:amazonses.com");
        return compare(record, "TXT", name, quote(SPF), answer, right, "the SPF record does not include:amazonses.com");
    }

    private static RecordCheck dmarc(String domain, DnsResolver resolver) {
        String name = "_dmarc." + domain;
        String expected = "\"v=DMARC1; p=none|quarantine|reject; ...\"";
        DnsAnswer answer = resolver.lookup(name, "TXT");
        List<String> dmarc = answer.values().stream()
                .filter(v -> v.strip().toUpperCase(Locale.ROOT).startsWith("V=DMARC1")).collect(Collectors.toList());
        if (answer.outcome() == DnsAnswer.Outcome.FOUND && dmarc.isEmpty()) {
            return new RecordCheck("DMARC", "TXT", name, RecordCheck.Status.MISSING, expected, answer.values(),
                    "TXT records exist, but none starts with v=DMARC1");
        }
        if (dmarc.size() > 1) {
            return new RecordCheck("DMARC", "TXT", name, RecordCheck.Status.WRONG, expected, answer.values(),
                    dmarc.size() + " DMARC records: receivers ignore them all; keep one");
        }
        boolean right = dmarc.size() == 1 && DMARC_POLICY.matcher(dmarc.get(0)).find();
        return compare("DMARC", "TXT", name, expected, answer, right, "no valid policy tag p=none|quarantine|reject");
    }

    private static RecordCheck compare(String record, String type, String name, String expected, DnsAnswer answer,
            boolean right, String whyWrong) {
        if (answer.outcome() == DnsAnswer.Outcome.FAILED) {
            return new RecordCheck(record, type, name, RecordCheck.Status.ERROR, expected, List.of(), answer.error());
        }
        if (answer.absent()) {
            String note = answer.outcome() == DnsAnswer.Outcome.NO_SUCH_NAME ? "no such name" : "no " + type + " record";
            return new RecordCheck(record, type, name, RecordCheck.Status.MISSING, expected, List.of(), note);
        }
        return new RecordCheck(record, type, name, right ? RecordCheck.Status.OK : RecordCheck.Status.WRONG, expected,
                answer.values(), right ? "" : whyWrong);
    }

    private static RecordCheck unknown(String record, String type, String name, DnsResolver resolver, String why) {
        List<String> found = resolver == null ? List.of() : resolver.lookup(name, type).values();
        return new RecordCheck(record, type, name, RecordCheck.Status.UNKNOWN, "(unknown)", found, why);
    }

    private static String quote(String text) {
        return "\"" + text + "\"";
    }

    List<RecordCheck> checks() {
        return checks;
    }

    /** True when every record is as SES expects. */
    boolean ok() {
        return checks.stream().allMatch(c -> c.status() == RecordCheck.Status.OK);
    }

    /**
     * Prints the report: the table (or JSON) on stdout, each record that is not ok as an error
     * with the expected value on stderr. Returns the exit code: 1 unless every record is ok.
     */
    int print(Console console, boolean json) {
        console.outRaw(json ? json() + "\n" : table(console));
        long bad = 0;
        for (RecordCheck c : checks) {
            if (c.status() != RecordCheck.Status.OK) {
                bad++;
                String found = c.found().isEmpty() ? "" : "; found " + c.found().stream().map(quoteTxt(c)).collect(Collectors.joining(", "));
                console.error(c.record(), c.label() + ": " + c.type() + " " + c.name() + " should be " + c.expected()
                        + found + (c.note().isEmpty() ? "" : " (" + c.note() + ")"));
            }
        }
        if (bad == 0) {
            console.success("every DNS record SES needs for " + settings.domain() + " is in place");
            return 0;
        }
        long unasked = checks.stream().filter(c -> c.status() == RecordCheck.Status.ERROR).count();
        if (unasked > 0) {
            // Nothing is known about these records: Terraform is not the fix, the resolver is.
            console.error(null, "DNS could not be asked about " + unasked + " of " + checks.size() + " records (resolver: "
                    + resolver + "): check the network, or name a DNS server that answers with --resolver HOST[:PORT]");
        }
        if (bad > unasked) {
            console.error(null, (bad - unasked) + " of " + checks.size() + " DNS records are not as SES expects; terraform apply in "
                    + "infrastructure/ creates them, then allow for DNS propagation");
        }
        return 1;
    }

    /** The table: record, status, type, name, expected, found. */
    String table(Console console) {
        TextTable table = new TextTable("RECORD", "STATUS", "TYPE", "NAME", "EXPECTED", "FOUND").paint(1);
        for (RecordCheck c : checks) {
            String sgr = c.status() == RecordCheck.Status.OK ? "32" : "31";
            String found = c.found().isEmpty() ? "-" : c.found().stream().map(quoteTxt(c)).collect(Collectors.joining(", "));
            table.row(sgr, List.of(c.record(), c.label(), c.type(), c.name(), c.expected(), found));
        }
        return "DNS for " + settings.domain() + " (resolver: " + resolver + ", SES region " + settings.region() + ")\n"
                + table.render(console);
    }

    private static java.util.function.Function<String, String> quoteTxt(RecordCheck c) {
        return value -> "TXT".equals(c.type()) ? quote(value) : value;
    }

    /** Everything as JSON. */
    String json() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("ok", ok());
        root.put("domain", settings.domain());
        root.put("region", settings.region());
        root.put("resolver", resolver);
        ArrayNode list = root.putArray("records");
        for (RecordCheck c : checks) {
            ObjectNode node = list.addObject().put("record", c.record()).put("status", c.label()).put("type", c.type())
                    .put("name", c.name()).put("expected", c.expected()).put("note", c.note());
            ArrayNode found = node.putArray("found");
            c.found().forEach(found::add);
        }
        return root.toPrettyString();
    }
}

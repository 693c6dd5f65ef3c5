package monet.ses;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import monet.console.Console;
import monet.text.TextTable;

/** Whether production email can be sent: judges a {@link SesSnapshot}, one {@link Check} per part, each problem with its fix. */
final class SesReadiness {
    static final String README = "see docs/ses-test.md, 'The SES sandbox and production access'";

    private final SesSettings settings;
    private final SesSnapshot snapshot;
    private final List<Check> checks;

    SesReadiness(SesSettings settings, SesSnapshot snapshot) {
        this.settings = settings;
        this.snapshot = snapshot;
        this.checks = List.copyOf(assess(settings, snapshot));
    }

    List<Check> checks() {
        return checks;
    }

    /** True when nothing blocks sending (warnings allowed). */
    boolean ok() {
        return checks.stream().noneMatch(c -> c.state() == Check.State.PROBLEM);
    }

    static List<Check> assess(SesSettings s, SesSnapshot snap) {
        List<Check> checks = new ArrayList<>();
        checks.add(domain(s, snap));
        checks.add(sender(s, snap));
        checks.add(dkim(s, snap.dkim()));
        checks.add(mailFrom(s, snap.mailFrom()));
        checks.add(productionAccess(snap.account(), snap.quota()));
        checks.add(sending(snap.account()));
        checks.add(quota(snap.quota()));
        return checks;
    }

    private static Check domain(SesSettings s, SesSnapshot snap) {
        String name = "domain identity";
        SesSnapshot.Verification v = snap.domain();
        boolean senderCovered = snap.senderAddress() != null && snap.senderAddress().verified();
        if (v != null && v.verified()) {
            return Check.ok(name, s.domain() + ": verified");
        }
        String detail;
        String fix;
        if (v == null) {
            detail = s.domain() + ": SES has no identity for it in " + s.region();
            fix = "create it: terraform apply in infrastructure/ (ses.tf), or aws ses verify-domain-identity --domain "
                    + s.domain() + " --region " + s.region();
        } else if ("Pending".equalsIgnoreCase(v.status())) {
            detail = s.domain() + ": verification pending";
            fix = "publish TXT _amazonses." + s.domain() + " = \"" + v.token() + "\" (terraform apply creates it), "
                    + "check it with 'ses-test dns'; SES re-checks for up to 72 hours";
        } else {
            detail = s.domain() + ": verification " + v.status();
            fix = "fix TXT _amazonses." + s.domain() + " = \"" + v.token() + "\" ('ses-test dns'), then restart "
                    + "verification: aws ses verify-domain-identity --domain " + s.domain();
        }
        return senderCovered ? Check.warning(name, detail + " (the sender address itself is verified)", fix)
                : Check.problem(name, detail, fix);
    }

    private static Check sender(SesSettings s, SesSnapshot snap) {
        String name = "sender";
        if (snap.domain() != null && snap.domain().verified()) {
            return Check.ok(name, s.sender() + ": covered by the verified domain " + s.domain());
        }
        if (snap.senderAddress() != null && snap.senderAddress().verified()) {
            return Check.ok(name, s.sender() + ": the address is verified");
        }
        return Check.problem(name, s.sender() + ": neither the address nor " + s.domain() + " is verified: SES refuses to send",
                "verify the domain (see 'domain identity' above)");
    }

    private static Check dkim(SesSettings s, SesSnapshot.Dkim d) {
        String name = "DKIM";
        String tokens = d.tokens().isEmpty() ? "no tokens" : "tokens " + String.join(", ", d.tokens());
        String cnames = d.tokens().stream()
                .map(t -> t + "._domainkey." + s.domain() + " CNAME " + t + ".dkim.amazonses.com")
                .collect(Collectors.joining("; "));
        if (d.tokens().isEmpty() || "NotStarted".equalsIgnoreCase(d.status())) {
            return unsigned(s, name, "not set up (" + d.status() + ")",
                    "create it: terraform apply (aws_ses_domain_dkim), or aws ses verify-domain-dkim --domain " + s.domain()
                            + ", then publish the 3 CNAMEs it returns");
        }
        if (!d.enabled()) {
            return unsigned(s, name, "signing disabled; " + d.status() + "; " + tokens,
                    "enable it: aws ses set-identity-dkim-enabled --identity " + s.domain() + " --dkim-enabled");
        }
        if (d.verified()) {
            return Check.ok(name, "verified; " + tokens);
        }
        String state = "Pending".equalsIgnoreCase(d.status()) ? "DKIM pending" : "DKIM " + d.status();
        return unsigned(s, name, d.status() + "; " + tokens,
                state + ": publish these 3 CNAMEs: " + cnames + " (terraform apply creates them; check with 'ses-test dns')");
    }

    /**
     * Mail without a DKIM signature still goes out: a warning that says what it costs, or a
     * problem where {@code ses.require-dkim} asks for strictness.
     */
    private static Check unsigned(SesSettings s, String name, String detail, String fix) {
        if (s.requireDkim()) {
            return Check.problem(name, detail + " (ses.require-dkim: no mail without DKIM)", fix);
        }
        return Check.warning(name, detail + "; SES sends unsigned meanwhile: receivers trust such mail less (more of it"
                + " lands in spam) and DMARC rests on SPF of the MAIL FROM domain alone", fix);
    }

    private static Check mailFrom(SesSettings s, SesSnapshot.MailFrom m) {
        String name = "MAIL FROM";
        String records = "MX " + (m.configured() ? m.domain() : s.mailFromDomain()) + " = 10 " + s.feedbackHost()
                + " and TXT \"v=spf1 include:amazonses.com ~all\" (check with 'ses-test dns')";
        if (!m.configured()) {
            return Check.warning(name, "no custom MAIL FROM domain: mail goes out from amazonses.com, SPF does not align for DMARC",
                    "set " + s.mailFromDomain() + ": terraform apply (aws_ses_domain_mail_from), or aws ses "
                            + "set-identity-mail-from-domain --identity " + s.domain() + " --mail-from-domain " + s.mailFromDomain()
                            + "; then publish " + records);
        }
        String detail = m.domain() + ": " + m.status() + " (on MX failure: " + m.behaviorOnMxFailure() + ")";
        if ("Success".equalsIgnoreCase(m.status())) {
            if (!s.mailFromDomain().isEmpty() && !m.domain().equals(s.mailFromDomain())) {
                return Check.warning(name, detail + "; configured here: " + s.mailFromDomain(),
                        "make ses.mail-from and the SES identity agree");
            }
            return Check.ok(name, detail);
        }
        String fix = "publish " + records;
        if (m.rejectsOnFailure()) {
            return Check.problem(name, detail + ": SES rejects every message until it verifies", fix);
        }
        return Check.warning(name, detail + ": SES falls back to amazonses.com meanwhile", fix);
    }

    private static Check productionAccess(SesSnapshot.Account a, SesSnapshot.Quota q) {
        String name = "production access";
        if (Boolean.TRUE.equals(a.productionAccess())) {
            return Check.ok(name, "production (" + a.source() + ")");
        }
        String request = "request production access: AWS Console -> SES -> Account dashboard -> Request production access ("
                + README + ")";
        if (Boolean.FALSE.equals(a.productionAccess())) {
            String review = a.reviewStatus().isEmpty() ? "" : "; production access request " + a.reviewStatus();
            String fix = "PENDING".equalsIgnoreCase(a.reviewStatus())
                    ? "wait for AWS's review of the request (usually within 24 hours); meanwhile only verified addresses and "
                            + "the mailbox simulator receive mail"
                    : "in the sandbox: " + request;
            return Check.problem(name, "sandbox: SES delivers only to verified addresses" + review, fix);
        }
        String guess = q != null && q.looksLikeSandbox()
                ? "; the quota (200 a day, 1 a second) is the sandbox's, so probably in the sandbox"
                : "";
        return Check.warning(name, "unknown: " + a.note() + "; SES v1 cannot tell sandbox from production" + guess,
                "check the SES console's Account dashboard; if it says sandbox, " + request);
    }

    private static Check sending(SesSnapshot.Account a) {
        String name = "sending";
        if ("SHUTDOWN".equalsIgnoreCase(a.enforcementStatus())) {
            return Check.problem(name, "account shut down by AWS (enforcement status SHUTDOWN)",
                    "open a case with AWS Support; see the SES console's Reputation metrics");
        }
        if (Boolean.FALSE.equals(a.sendingEnabled())) {
            return Check.problem(name, "sending is paused for this account in this region",
                    "find out why in the SES console (Reputation metrics), then: aws sesv2 put-account-sending-attributes --sending-enabled");
        }
        if (a.sendingEnabled() == null) {
            return Check.warning(name, "unknown: " + a.sendingNote(), "check the SES console's Account dashboard");
        }
        if ("PROBATION".equalsIgnoreCase(a.enforcementStatus())) {
            return Check.warning(name, "enabled, but the account is on probation (bounce or complaint rate too high)",
                    "see the SES console's Reputation metrics and fix the cause before AWS pauses sending");
        }
        return Check.ok(name, "enabled" + (a.enforcementStatus().isEmpty() ? "" : " (" + a.enforcementStatus() + ")"));
    }

    private static Check quota(SesSnapshot.Quota q) {
        String name = "quota";
        String max = q.max24HourSend() < 0 ? "unlimited" : number(q.max24HourSend());
        String detail = number(q.sentLast24Hours()) + " of " + max + " sent in the last 24 hours; at most "
                + number(q.maxSendRate()) + " a second";
        if (q.max24HourSend() >= 0 && q.sentLast24Hours() >= q.max24HourSend()) {
            return Check.problem(name, detail + ": used up",
                    "wait until older messages leave the 24-hour window, or ask AWS for a higher quota (Service Quotas)");
        }
        return Check.ok(name, detail);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    /**
     * Prints the report: the table (or JSON) on stdout; each problem as an error and each
     * warning as a warning, with its fix, on stderr. Returns the exit code: 1 when something
     * blocks sending.
     */
    int print(Console console, boolean json) {
        console.outRaw(json ? json() + "\n" : table(console));
        for (Check c : checks) {
            if (c.state() == Check.State.PROBLEM) {
                console.error(c.name(), c.detail() + ". Fix: " + c.fix());
            } else if (c.state() == Check.State.WARNING) {
                console.warn(c.name() + ": " + c.detail() + ". Fix: " + c.fix());
            }
        }
        long problems = checks.stream().filter(c -> c.state() == Check.State.PROBLEM).count();
        if (problems == 0) {
            console.success("nothing blocks sending from " + settings.sender());
            return 0;
        }
        console.error(null, problems + (problems == 1 ? " problem blocks" : " problems block") + " sending from " + settings.sender());
        return 1;
    }

    /** The table: one row per check; the state coloured on a terminal. */
    String table(Console console) {
        TextTable table = new TextTable("CHECK", "STATE", "DETAIL").paint(1);
        for (Check c : checks) {
            table.row(colour(c.state()), List.of(c.name(), c.state().label(), c.detail()));
        }
        return "SES " + settings.region() + ", sender " + settings.sender() + ", domain " + settings.domain() + "\n" + table.render(console);
    }

    static String colour(Check.State state) {
        return switch (state) {
            case OK -> "32";
            case WARNING -> "33";
            case PROBLEM -> "31";
        };
    }

    /** Everything as JSON: settings, what SES said, each check and whether sending works. */
    String json() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("ok", ok());
        root.put("sender", settings.sender());
        root.put("domain", settings.domain());
        root.put("region", settings.region());
        ObjectNode identity = root.putObject("identity");
        putVerification(identity, "domain", snapshot.domain());
        putVerification(identity, "sender", snapshot.senderAddress());
        ObjectNode dkim = root.putObject("dkim");
        dkim.put("enabled", snapshot.dkim().enabled()).put("status", snapshot.dkim().status());
        ArrayNode tokens = dkim.putArray("tokens");
        snapshot.dkim().tokens().forEach(tokens::add);
        ObjectNode mailFrom = root.putObject("mailFrom");
        mailFrom.put("domain", snapshot.mailFrom().domain()).put("status", snapshot.mailFrom().status())
                .put("behaviorOnMxFailure", snapshot.mailFrom().behaviorOnMxFailure());
        ObjectNode account = root.putObject("account");
        SesSnapshot.Account a = snapshot.account();
        account.put("source", a.source());
        putBoolean(account, "productionAccess", a.productionAccess());
        putBoolean(account, "sendingEnabled", a.sendingEnabled());
        account.put("enforcementStatus", a.enforcementStatus()).put("reviewStatus", a.reviewStatus()).put("note", a.note())
                .put("sendingNote", a.sendingNote());
        ObjectNode quota = root.putObject("quota");
        quota.put("max24HourSend", snapshot.quota().max24HourSend()).put("maxSendRate", snapshot.quota().maxSendRate())
                .put("sentLast24Hours", snapshot.quota().sentLast24Hours());
        ArrayNode list = root.putArray("checks");
        for (Check c : checks) {
            list.addObject().put("check", c.name()).put("state", c.state().name().toLowerCase(java.util.Locale.ROOT))
                    .put("detail", c.detail()).put("fix", c.fix());
        }
        return root.toPrettyString();
    }

    private static void putVerification(ObjectNode parent, String field, SesSnapshot.Verification v) {
        if (v == null) {
            parent.putNull(field);
        } else {
            parent.putObject(field).put("status", v.status()).put("token", v.token());
        }
    }

    private static void putBoolean(ObjectNode node, String field, Boolean value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}

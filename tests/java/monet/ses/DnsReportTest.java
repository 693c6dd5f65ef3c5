package monet.ses;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code ses-test dns}'s checks against a real DNS server (dnsmasq on loopback). */
class DnsReportTest {
    static final String DOMAIN = "dmfenton.net";
    static final String TOKEN = "ILQMESfEW0p6i6gIJcEWvO65TP5hg6B99hGFZ2lxrIs=";
    static final List<String> DKIM = List.of("tokena1", "tokenb2", "tokenc3");
    static final SesSettings SETTINGS = new SesSettings("noreply@" + DOMAIN, DOMAIN, "mail." + DOMAIN, "us-east-1", false);
    static final DnsReport.Expected EXPECTED = new DnsReport.Expected(TOKEN, DKIM, "mail." + DOMAIN, "");

    /** Every record the Terraform creates, right. */
    static LocalDns right() {
        LocalDns dns = LocalDns.forDomain(DOMAIN)
                .txt("_amazonses." + DOMAIN, TOKEN)
                .txt(DOMAIN, "v=spf1 include:amazonses.com ~all")
                .txt(DOMAIN, "google-site-verification=abc")
                .txt("_dmarc." + DOMAIN, "v=DMARC1; p=quarantine; rua=mailto:dmarc@" + DOMAIN)
                .mx("mail." + DOMAIN, "feedback-smtp.us-east-1.amazonses.com", 10)
                .txt("mail." + DOMAIN, "v=spf1 include:amazonses.com ~all");
        for (String token : DKIM) {
            dns.cname(token + "._domainkey." + DOMAIN, token + ".dkim.amazonses.com");
        }
        return dns;
    }

    static Map<String, RecordCheck> byRecord(DnsReport report) {
        return report.checks().stream().collect(Collectors.toMap(RecordCheck::record, Function.identity()));
    }

    @Test
    void everyRightRecordIsOk() throws Exception {
        try (LocalDns dns = right().start()) {
            DnsReport report = DnsReport.check(SETTINGS, EXPECTED, new JndiDnsResolver(dns.server()));
            assertThat(report.checks()).extracting(RecordCheck::record).containsExactly("verification", "DKIM 1/3",
                    "DKIM 2/3", "DKIM 3/3", "SPF", "DMARC", "MAIL FROM MX", "MAIL FROM SPF");
            assertThat(report.checks()).allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(RecordCheck.Status.OK));
            assertThat(report.ok()).isTrue();
            assertThat(byRecord(report).get("MAIL FROM MX").found()).containsExactly("10 feedback-smtp.us-east-1.amazonses.com");
        }
    }

    @Test
    void anEmptyZoneHasEveryRecordMissingWithItsExpectedValue() throws Exception {
        try (LocalDns dns = LocalDns.forDomain(DOMAIN).start()) {
            DnsReport report = DnsReport.check(SETTINGS, EXPECTED, new JndiDnsResolver(dns.server()));
            assertThat(report.checks()).allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(RecordCheck.Status.MISSING));
            assertThat(report.ok()).isFalse();
            Map<String, RecordCheck> checks = byRecord(report);
            assertThat(checks.get("verification").expected()).isEqualTo("\"" + TOKEN + "\"");
            assertThat(checks.get("verification").name()).isEqualTo("_amazonses." + DOMAIN);
            assertThat(checks.get("DKIM 2/3").name()).isEqualTo("tokenb2._domainkey." + DOMAIN);
            assertThat(checks.get("DKIM 2/3").expected()).isEqualTo("tokenb2.dkim.amazonses.com");
            assertThat(checks.get("SPF").expected()).isEqualTo("\"v=spf1 include:amazonses.com ~all\"");
            assertThat(checks.get("MAIL FROM MX").expected()).isEqualTo("10 feedback-smtp.us-east-1.amazonses.com");
            assertThat(checks.get("MAIL FROM MX").name()).isEqualTo("mail." + DOMAIN);
            assertThat(checks.get("DMARC").name()).isEqualTo("_dmarc." + DOMAIN);
        }
    }

    @Test
    void wrongRecordsAreWrongWithWhatWasFound() throws Exception {
        LocalDns wrong = LocalDns.forDomain(DOMAIN)
                .txt("_amazonses." + DOMAIN, "an-old-token")
                .cname("tokena1._domainkey." + DOMAIN, "tokena1.dkim.amazonses.com")
                .cname("tokenb2._domainkey." + DOMAIN, "tokenb2.dkim.example.org")
                // tokenc3 missing
                .txt(DOMAIN, "v=spf1 include:_spf.google.com ~all")
                .txt("_dmarc." + DOMAIN, "v=DMARC1; rua=mailto:dmarc@" + DOMAIN)
                .mx("mail." + DOMAIN, "feedback-smtp.eu-west-1.amazonses.com", 10)
                .txt("mail." + DOMAIN, "v=spf1 include:amazonses.com ~all")
                .txt("mail." + DOMAIN, "v=spf1 -all");
        try (LocalDns dns = wrong.start()) {
            DnsReport report = DnsReport.check(SETTINGS, EXPECTED, new JndiDnsResolver(dns.server()));
            Map<String, RecordCheck> checks = byRecord(report);
            assertThat(checks.get("verification").status()).isEqualTo(RecordCheck.Status.WRONG);
            assertThat(checks.get("verification").found()).containsExactly("an-old-token");
            assertThat(checks.get("DKIM 1/3").status()).isEqualTo(RecordCheck.Status.OK);
            assertThat(checks.get("DKIM 2/3").status()).isEqualTo(RecordCheck.Status.WRONG);
            assertThat(checks.get("DKIM 2/3").found()).containsExactly("tokenb2.dkim.example.org");
            assertThat(checks.get("DKIM 3/3").status()).isEqualTo(RecordCheck.Status.MISSING);
            assertThat(checks.get("SPF").status()).isEqualTo(RecordCheck.Status.WRONG);
            assertThat(checks.get("SPF").note()).contains("include:amazonses.com");
            assertThat(checks.get("DMARC").status()).isEqualTo(RecordCheck.Status.WRONG);
            assertThat(checks.get("DMARC").note()).contains("p=none|quarantine|reject");
            assertThat(checks.get("MAIL FROM MX").status()).isEqualTo(RecordCheck.Status.WRONG);
            assertThat(checks.get("MAIL FROM MX").found()).containsExactly("10 feedback-smtp.eu-west-1.amazonses.com");
            assertThat(checks.get("MAIL FROM SPF").status()).isEqualTo(RecordCheck.Status.WRONG);
            assertThat(checks.get("MAIL FROM SPF").note()).contains("2 SPF records");
            assertThat(report.ok()).isFalse();
        }
    }

    @Test
    void txtRecordsSplitIntoSeveralStringsAreJoined() throws Exception {
        LocalDns dns = right().txt("_dmarc.split." + DOMAIN, "v=DMARC1; p=reject; ", "rua=mailto:a b@" + DOMAIN);
        try (LocalDns server = dns.start()) {
            DnsAnswer answer = new JndiDnsResolver(server.server()).lookup("_dmarc.split." + DOMAIN, "TXT");
            assertThat(answer.values()).containsExactly("v=DMARC1; p=reject; rua=mailto:a b@" + DOMAIN);
        }
    }

    @Test
    void aServerThatDoesNotAnswerIsAnErrorNotMissing() throws Exception {
        // a loopback port nobody listens on: the lookup times out (only the first record is asked there)
        JndiDnsResolver silent = new JndiDnsResolver("127.0.0.1:" + monet.testing.Moto.freePort());
        DnsResolver resolver = new DnsResolver() {
            @Override
            public DnsAnswer lookup(String name, String type) {
                return name.startsWith("_amazonses") ? silent.lookup(name, type) : DnsAnswer.noSuchName();
            }

            @Override
            public String describe() {
                return silent.describe();
            }
        };
        DnsReport report = DnsReport.check(SETTINGS, new DnsReport.Expected(TOKEN, List.of(), "mail." + DOMAIN,
                "SES has no DKIM tokens"), resolver);
        Map<String, RecordCheck> checks = byRecord(report);
        assertThat(checks.get("verification").status()).isEqualTo(RecordCheck.Status.ERROR);
        assertThat(checks.get("verification").note()).contains("no answer from 127.0.0.1:");
        assertThat(checks.get("DKIM").status()).isEqualTo(RecordCheck.Status.UNKNOWN);
        assertThat(checks.get("DKIM").note()).isEqualTo("SES has no DKIM tokens");
        assertThat(report.ok()).isFalse();
    }

    @Test
    void jndiTxtRenderingIsParsedBack() {
        assertThat(JndiDnsResolver.txt("abc")).isEqualTo("abc");
        assertThat(JndiDnsResolver.txt("\"v=spf1 include:amazonses.com ~all\"")).isEqualTo("v=spf1 include:amazonses.com ~all");
        assertThat(JndiDnsResolver.txt("\"v=spf1 a \" \"include:x ~all\"")).isEqualTo("v=spf1 a include:x ~all");
        assertThat(JndiDnsResolver.txt("part1 part2")).isEqualTo("part1part2");
        assertThat(JndiDnsResolver.txt("\"say \\\"hi\\\"\"")).isEqualTo("say \"hi\"");
    }
}

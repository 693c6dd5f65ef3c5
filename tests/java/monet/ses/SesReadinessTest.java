package monet.ses;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The judgement of states moto cannot produce (it says Success at once): pending, failed, paused, used up. */
class SesReadinessTest {
    static final SesSettings S = MotoSes.SETTINGS;
    static final List<String> TOKENS = List.of("t1aaa", "t2bbb", "t3ccc");
    static final SesSnapshot.Verification VERIFIED = new SesSnapshot.Verification("Success", "tok=");
    static final SesSnapshot.Dkim DKIM_OK = new SesSnapshot.Dkim(true, "Success", TOKENS);
    static final SesSnapshot.MailFrom MAIL_FROM_OK = new SesSnapshot.MailFrom("mail.dmfenton.net", "Success", "UseDefaultValue");
    static final SesSnapshot.Account PRODUCTION = new SesSnapshot.Account("sesv2 GetAccount", true, true, "HEALTHY", "GRANTED", "", "");
    static final SesSnapshot.Quota QUOTA = new SesSnapshot.Quota(50000, 14, 3);

    static Check check(SesSnapshot snapshot, String name) {
        return new SesReadiness(S, snapshot).checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    static SesSnapshot ready() {
        return new SesSnapshot(VERIFIED, null, DKIM_OK, MAIL_FROM_OK, PRODUCTION, QUOTA);
    }

    @Test
    void everythingRightIsOk() {
        SesReadiness report = new SesReadiness(S, ready());
        assertThat(report.checks()).allSatisfy(c -> assertThat(c.state()).as(c.toString()).isEqualTo(Check.State.OK));
        assertThat(report.ok()).isTrue();
    }

    @Test
    void pendingDkimWarnsWithWhatItCostsAndNamesTheThreeCnamesToPublish() {
        SesSnapshot s = new SesSnapshot(VERIFIED, null, new SesSnapshot.Dkim(true, "Pending", TOKENS), MAIL_FROM_OK, PRODUCTION, QUOTA);
        Check dkim = check(s, "DKIM");
        // SES sends without DKIM: that does not block mail, it costs deliverability.
        assertThat(dkim.state()).isEqualTo(Check.State.WARNING);
        assertThat(dkim.detail()).contains("SES sends unsigned meanwhile", "lands in spam", "DMARC rests on SPF");
        assertThat(dkim.fix()).startsWith("DKIM pending: publish these 3 CNAMEs: ")
                .contains("t1aaa._domainkey.dmfenton.net CNAME t1aaa.dkim.amazonses.com")
                .contains("t2bbb._domainkey.dmfenton.net CNAME t2bbb.dkim.amazonses.com")
                .contains("t3ccc._domainkey.dmfenton.net CNAME t3ccc.dkim.amazonses.com");
        assertThat(new SesReadiness(S, s).ok()).isTrue();
    }

    @Test
    void withRequireDkimAnyDkimThatIsNotVerifiedBlocks() {
        SesSettings strict = new SesSettings(S.sender(), S.domain(), S.mailFromDomain(), S.region(), true);
        for (SesSnapshot.Dkim dkim : List.of(new SesSnapshot.Dkim(true, "Pending", TOKENS), new SesSnapshot.Dkim(false, "Success", TOKENS),
                new SesSnapshot.Dkim(true, "NotStarted", List.of()))) {
            SesReadiness report = new SesReadiness(strict, new SesSnapshot(VERIFIED, null, dkim, MAIL_FROM_OK, PRODUCTION, QUOTA));
            Check check = report.checks().stream().filter(c -> c.name().equals("DKIM")).findFirst().orElseThrow();
            assertThat(check.state()).as(dkim.toString()).isEqualTo(Check.State.PROBLEM);
            assertThat(check.detail()).contains("ses.require-dkim");
            assertThat(report.ok()).isFalse();
        }
    }

    @Test
    void disabledOrMissingDkimWarns() {
        SesSnapshot disabled = new SesSnapshot(VERIFIED, null, new SesSnapshot.Dkim(false, "Success", TOKENS), MAIL_FROM_OK, PRODUCTION, QUOTA);
        assertThat(check(disabled, "DKIM").state()).isEqualTo(Check.State.WARNING);
        assertThat(check(disabled, "DKIM").fix()).contains("set-identity-dkim-enabled");
        SesSnapshot none = new SesSnapshot(VERIFIED, null, new SesSnapshot.Dkim(false, "NotStarted", List.of()), MAIL_FROM_OK, PRODUCTION, QUOTA);
        assertThat(check(none, "DKIM").state()).isEqualTo(Check.State.WARNING);
        assertThat(check(none, "DKIM").fix()).contains("aws ses verify-domain-dkim --domain dmfenton.net");
    }

    @Test
    void pendingDomainVerificationNamesTheTxtRecord() {
        SesSnapshot s = new SesSnapshot(new SesSnapshot.Verification("Pending", "abc="), null, DKIM_OK, MAIL_FROM_OK, PRODUCTION, QUOTA);
        assertThat(check(s, "domain identity").state()).isEqualTo(Check.State.PROBLEM);
        assertThat(check(s, "domain identity").fix()).contains("TXT _amazonses.dmfenton.net = \"abc=\"");
        assertThat(check(s, "sender").state()).isEqualTo(Check.State.PROBLEM);
    }

    @Test
    void theSandboxBlocksAndSaysHowToLeaveIt() {
        SesSnapshot.Account sandbox = new SesSnapshot.Account("sesv2 GetAccount", false, true, "HEALTHY", "", "", "");
        Check c = check(new SesSnapshot(VERIFIED, null, DKIM_OK, MAIL_FROM_OK, sandbox, QUOTA), "production access");
        assertThat(c.state()).isEqualTo(Check.State.PROBLEM);
        assertThat(c.fix()).isEqualTo("in the sandbox: request production access: AWS Console -> SES -> Account dashboard "
                + "-> Request production access (see docs/ses-test.md, 'The SES sandbox and production access')");
        SesSnapshot.Account pending = new SesSnapshot.Account("sesv2 GetAccount", false, true, "HEALTHY", "PENDING", "", "");
        Check waiting = check(new SesSnapshot(VERIFIED, null, DKIM_OK, MAIL_FROM_OK, pending, QUOTA), "production access");
        assertThat(waiting.detail()).contains("production access request PENDING");
        assertThat(waiting.fix()).startsWith("wait for AWS's review");
    }

    @Test
    void pausedOrShutDownSendingBlocks() {
        SesSnapshot.Account paused = new SesSnapshot.Account("sesv2 GetAccount", true, false, "HEALTHY", "", "", "");
        assertThat(check(new SesSnapshot(VERIFIED, null, DKIM_OK, MAIL_FROM_OK, paused, QUOTA), "sending").state())
                .isEqualTo(Check.State.PROBLEM);
        SesSnapshot.Account shutdown = new SesSnapshot.Account("sesv2 GetAccount", true, true, "SHUTDOWN", "", "", "");
        assertThat(check(new SesSnapshot(VERIFIED, null, DKIM_OK, MAIL_FROM_OK, shutdown, QUOTA), "sending").state())
                .isEqualTo(Check.State.PROBLEM);
        SesSnapshot.Account probation = new SesSnapshot.Account("sesv2 GetAccount", true, true, "PROBATION", "", "", "");
        assertThat(check(new SesSnapshot(VERIFIED, null, DKIM_OK, MAIL_FROM_OK, probation, QUOTA), "sending").state())
                .isEqualTo(Check.State.WARNING);
    }

    @Test
    void aUsedUpQuotaBlocks() {
        SesSnapshot s = new SesSnapshot(VERIFIED, null, DKIM_OK, MAIL_FROM_OK, PRODUCTION, new SesSnapshot.Quota(200, 1, 200));
        assertThat(check(s, "quota").state()).isEqualTo(Check.State.PROBLEM);
        assertThat(check(s, "quota").detail()).startsWith("200 of 200 sent");
        SesSnapshot unlimited = new SesSnapshot(VERIFIED, null, DKIM_OK, MAIL_FROM_OK, PRODUCTION, new SesSnapshot.Quota(-1, 50, 9000));
        assertThat(check(unlimited, "quota").state()).isEqualTo(Check.State.OK);
    }

    @Test
    void aFailedMailFromBlocksOnlyWhenSesRejectsMessages() {
        SesSnapshot reject = new SesSnapshot(VERIFIED, null, DKIM_OK,
                new SesSnapshot.MailFrom("mail.dmfenton.net", "Failed", "RejectMessage"), PRODUCTION, QUOTA);
        assertThat(check(reject, "MAIL FROM").state()).isEqualTo(Check.State.PROBLEM);
        assertThat(check(reject, "MAIL FROM").fix()).contains("MX mail.dmfenton.net = 10 feedback-smtp.us-east-1.amazonses.com");
        SesSnapshot fallback = new SesSnapshot(VERIFIED, null, DKIM_OK,
                new SesSnapshot.MailFrom("mail.dmfenton.net", "Pending", "UseDefaultValue"), PRODUCTION, QUOTA);
        assertThat(check(fallback, "MAIL FROM").state()).isEqualTo(Check.State.WARNING);
        SesSnapshot other = new SesSnapshot(VERIFIED, null, DKIM_OK,
                new SesSnapshot.MailFrom("bounce.dmfenton.net", "Success", "UseDefaultValue"), PRODUCTION, QUOTA);
        assertThat(check(other, "MAIL FROM").state()).isEqualTo(Check.State.WARNING);
    }
}

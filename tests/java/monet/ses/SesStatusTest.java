package monet.ses;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import monet.console.Console;
import monet.testing.Moto;
import org.junit.jupiter.api.Test;

/** {@code ses-test status} against moto (SES v1 and v2), and against SES v2 GetAccount where moto lacks it. */
class SesStatusTest {
    static Map<String, Check> byName(SesReadiness report) {
        return report.checks().stream().collect(Collectors.toMap(Check::name, Function.identity()));
    }

    @Test
    void aVerifiedDomainWithDkimAndMailFromSends() {
        try (SesClients clients = MotoSes.fresh()) {
            MotoSes.verifiedDomain(clients);
            SesSnapshot snapshot = new SesInspector(clients, MotoSes.SETTINGS).snapshot();
            assertThat(snapshot.domain().verified()).isTrue();
            assertThat(snapshot.domain().token()).isNotBlank();
            assertThat(snapshot.dkim().tokens()).hasSize(3);
            assertThat(snapshot.mailFrom().domain()).isEqualTo("mail.dmfenton.net");
            SesReadiness report = new SesReadiness(MotoSes.SETTINGS, snapshot);
            Map<String, Check> checks = byName(report);
            assertThat(checks.get("domain identity").state()).isEqualTo(Check.State.OK);
            assertThat(checks.get("sender").state()).isEqualTo(Check.State.OK);
            assertThat(checks.get("DKIM").state()).isEqualTo(Check.State.OK);
            assertThat(checks.get("DKIM").detail()).contains(snapshot.dkim().tokens().get(0));
            assertThat(checks.get("MAIL FROM").state()).isEqualTo(Check.State.OK);
            assertThat(checks.get("quota").detail()).isEqualTo("0 of 200 sent in the last 24 hours; at most 1 a second");
            assertThat(report.ok()).isTrue();
        }
    }

    @Test
    void whereTheEndpointLacksGetAccountItSaysSoAndFallsBackToV1() {
        try (SesClients clients = MotoSes.fresh()) {
            MotoSes.verifiedDomain(clients);
            SesSnapshot.Account account = new SesInspector(clients, MotoSes.SETTINGS).account();
            assertThat(account.source()).isEqualTo("ses v1");
            assertThat(account.productionAccess()).isNull();
            assertThat(account.note()).contains("does not implement SES v2 GetAccount");
            SesReadiness report = new SesReadiness(MotoSes.SETTINGS, new SesInspector(clients, MotoSes.SETTINGS).snapshot());
            Check production = byName(report).get("production access");
            assertThat(production.state()).isEqualTo(Check.State.WARNING);
            assertThat(production.detail()).contains("SES v1 cannot tell sandbox from production", "probably in the sandbox");
            // moto answers GetAccountSendingEnabled, which it lacks, with HTTP 500 and a web page: recognised as missing.
            Check sending = byName(report).get("sending");
            assertThat(sending.state()).isEqualTo(Check.State.WARNING);
            assertThat(sending.detail()).contains("implements neither SES v2 GetAccount nor SES v1 GetAccountSendingEnabled")
                    .doesNotContain("HTTP 500");
            assertThat(report.ok()).isTrue();
        }
    }

    @Test
    void noIdentityBlocksSendingWithTheFix() {
        try (SesClients clients = MotoSes.fresh()) {
            SesReadiness report = new SesReadiness(MotoSes.SETTINGS, new SesInspector(clients, MotoSes.SETTINGS).snapshot());
            Map<String, Check> checks = byName(report);
            assertThat(checks.get("domain identity").state()).isEqualTo(Check.State.PROBLEM);
            assertThat(checks.get("domain identity").detail()).contains("SES has no identity for it in us-east-1");
            assertThat(checks.get("domain identity").fix()).contains("aws ses verify-domain-identity --domain dmfenton.net");
            assertThat(checks.get("sender").state()).isEqualTo(Check.State.PROBLEM);
            assertThat(report.ok()).isFalse();

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Console console = Console.create(Console.Mode.PLAIN, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
            assertThat(report.print(console, false)).isEqualTo(1);
            assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("domain identity +PROBLEM +dmfenton.net");
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains("error: domain identity: dmfenton.net: SES has no identity for it in us-east-1. Fix: create it")
                    .contains("problems block sending from noreply@dmfenton.net");
        }
    }

    @Test
    void aVerifiedSenderAddressSendsWithoutTheDomainButDkimIsMissing() {
        try (SesClients clients = MotoSes.fresh()) {
            clients.v1().verifyEmailIdentity(r -> r.emailAddress(MotoSes.SENDER));
            Map<String, Check> checks = byName(new SesReadiness(MotoSes.SETTINGS,
                    new SesInspector(clients, MotoSes.SETTINGS).snapshot()));
            assertThat(checks.get("sender").state()).isEqualTo(Check.State.OK);
            assertThat(checks.get("sender").detail()).contains("the address is verified");
            assertThat(checks.get("domain identity").state()).isEqualTo(Check.State.WARNING);
            assertThat(checks.get("DKIM").state()).isEqualTo(Check.State.WARNING);
            assertThat(checks.get("MAIL FROM").state()).isEqualTo(Check.State.WARNING);
        }
    }

    @Test
    void getAccountSaysSandbox() throws Exception {
        Moto.get().reset();
        try (SesV2AccountStandIn v2 = SesV2AccountStandIn.start(false, "");
                SesClients clients = MotoSes.clients(v2.endpoint())) {
            MotoSes.verifiedDomain(clients);
            SesSnapshot snapshot = new SesInspector(clients, MotoSes.SETTINGS).snapshot();
            assertThat(snapshot.account().source()).isEqualTo("sesv2 GetAccount");
            assertThat(snapshot.account().productionAccess()).isFalse();
            assertThat(snapshot.account().sendingEnabled()).isTrue();
            SesReadiness report = new SesReadiness(MotoSes.SETTINGS, snapshot);
            Check production = byName(report).get("production access");
            assertThat(production.state()).isEqualTo(Check.State.PROBLEM);
            assertThat(production.fix()).startsWith("in the sandbox: request production access").contains("docs/ses-test.md");
            assertThat(byName(report).get("sending").state()).isEqualTo(Check.State.OK);
            assertThat(report.ok()).isFalse();
        }
    }

    @Test
    void getAccountSaysProduction() throws Exception {
        Moto.get().reset();
        try (SesV2AccountStandIn v2 = SesV2AccountStandIn.start(true, "GRANTED");
                SesClients clients = MotoSes.clients(v2.endpoint())) {
            MotoSes.verifiedDomain(clients);
            SesReadiness report = new SesReadiness(MotoSes.SETTINGS, new SesInspector(clients, MotoSes.SETTINGS).snapshot());
            assertThat(report.checks()).allSatisfy(c -> assertThat(c.state()).as(c.toString()).isEqualTo(Check.State.OK));
            assertThat(report.json()).contains("\"productionAccess\" : true", "\"source\" : \"sesv2 GetAccount\"");
        }
    }
}

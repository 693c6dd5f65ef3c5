package monet.ses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import monet.process.CmdResult;
import monet.testing.JBang;
import monet.testing.Moto;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.ses.SesClient;
import org.junit.jupiter.api.Test;

/** The real {@code ./jbang ses-test} end to end: moto for SES, dnsmasq for DNS. */
class SesTestScriptTest {
    /** {@code ./jbang ses-test ARGS} against moto, with the seed's sender. */
    static JBang sesTest(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "ses-test";
        System.arraycopy(args, 0, argv, 1, args.length);
        return JBang.run(argv).env(Moto.get().env()).env("SES_SENDER_EMAIL", MotoSes.SENDER)
                .env("MONET_SES_SENDER", "").env("MONET_SES_DOMAIN", "").env("MONET_SES_MAIL_FROM", "")
                .env("MONET_SES_RESOLVER", "").env("MONET_CONFIG", "");
    }

    static SesClients verified() {
        SesClients clients = MotoSes.fresh();
        MotoSes.verifiedDomain(clients);
        return clients;
    }

    @Test
    void statusOfAVerifiedDomainExitsZeroAndSaysGetAccountIsMissing() {
        try (SesClients ignored = verified()) {
            CmdResult r = sesTest("status").call();
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).containsPattern("domain identity +ok +dmfenton.net: verified")
                    .containsPattern("DKIM +ok +verified; tokens ")
                    .containsPattern("MAIL FROM +ok +mail.dmfenton.net: Success")
                    .containsPattern("production access +warning +unknown: this SES endpoint does not implement SES v2 GetAccount")
                    .containsPattern("sending +warning +unknown: this SES endpoint implements neither SES v2 GetAccount nor SES v1 "
                            + "GetAccountSendingEnabled");
            assertThat(r.stdout() + r.stderr()).doesNotContain("HTTP 500");
            assertThat(r.stderr()).contains("nothing blocks sending from noreply@dmfenton.net");
        }
    }

    @Test
    void dkimThatIsNotSetUpWarnsUnlessRequired() {
        try (SesClients clients = MotoSes.fresh()) {
            // Only the sender address is verified: SES sends from it, without DKIM for the domain
            // (moto verifies a domain's DKIM at once, and has no SetIdentityDkimEnabled).
            clients.v1().verifyEmailIdentity(r -> r.emailAddress(MotoSes.SENDER));
            CmdResult r = sesTest("status").call();
            assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
            assertThat(r.stdout()).containsPattern("DKIM +warning +not set up");
            assertThat(r.stderr()).contains("warning: DKIM: not set up", "SES sends unsigned meanwhile");
            CmdResult strict = sesTest("status", "--set", "ses.require-dkim=true").call();
            assertThat(strict.exitCode()).isEqualTo(1);
            assertThat(strict.stdout()).containsPattern("DKIM +PROBLEM +not set up");
            CmdResult bad = sesTest("status", "--set", "ses.require-dkim=yes").call();
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.stderr()).contains("--set ses.require-dkim: ses.require-dkim must be true or false, got 'yes'");
        }
    }

    @Test
    void aDnsServerThatDoesNotAnswerIsNotAMissingRecord() {
        try (SesClients ignored = verified()) {
            CmdResult r = sesTest("dns", "--resolver", "127.0.0.1:" + Moto.freePort()).call();
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stdout()).containsPattern("verification +error");
            assertThat(r.stderr()).contains("DNS could not be asked about 8 of 8 records (resolver: 127.0.0.1:")
                    .doesNotContain("terraform apply");
        }
    }

    @Test
    void aRefusalNamesTheIamActionAndWhereInfrastructureGrantsIt() {
        // Six unauthenticated requests set the account up; from then on moto checks each call against IAM.
        Moto iamMoto = Moto.withIamAuthorization(6);
        try (IamClient iam = IamClient.builder().endpointOverride(java.net.URI.create(iamMoto.endpoint())).region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build();
                SesClient ses = SesClient.builder().endpointOverride(java.net.URI.create(iamMoto.endpoint())).region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build()) {
            iam.createUser(r -> r.userName("server"));
            // What infrastructure/ec2.tf gives the server's role for mail: send, nothing to read.
            iam.putUserPolicy(r -> r.userName("server").policyName("send").policyDocument("""
                    {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ses:SendEmail","ses:SendRawEmail"],"Resource":"*"}]}"""));
            iam.createUser(r -> r.userName("reader"));
            var server = iam.createAccessKey(r -> r.userName("server")).accessKey();
            var reader = iam.createAccessKey(r -> r.userName("reader")).accessKey();
            ses.verifyDomainIdentity(r -> r.domain(MotoSes.DOMAIN));

            CmdResult status = sesTest("status").env("AWS_ENDPOINT_URL", iamMoto.endpoint())
                    .env("AWS_ACCESS_KEY_ID", server.accessKeyId()).env("AWS_SECRET_ACCESS_KEY", server.secretAccessKey()).call();
            assertThat(status.exitCode()).isEqualTo(1);
            assertThat(status.stderr()).contains("IAM refused ses:GetIdentityVerificationAttributes to arn:aws:iam::123456789012:user/server",
                    "infrastructure/ grants no one ses:GetIdentityVerificationAttributes", "an operator's credentials");

            CmdResult send = sesTest("send").env("AWS_ENDPOINT_URL", iamMoto.endpoint())
                    .env("AWS_ACCESS_KEY_ID", reader.accessKeyId()).env("AWS_SECRET_ACCESS_KEY", reader.secretAccessKey()).call();
            assertThat(send.exitCode()).isEqualTo(1);
            assertThat(send.stderr()).contains("IAM refused ses:SendEmail to arn:aws:iam::123456789012:user/reader",
                    "infrastructure/ec2.tf grants it to the server's role only (aws_iam_role_policy.instance, statement SendEmail)");
        } finally {
            iamMoto.stop();
        }
    }

    @Test
    void statusInTheSandboxExitsOneWithTheFixAndJson() throws Exception {
        try (SesClients ignored = verified(); SesV2AccountStandIn v2 = SesV2AccountStandIn.start(false, "")) {
            CmdResult r = sesTest("status", "--json").env("AWS_ENDPOINT_URL_SESV2", v2.endpoint()).call();
            assertThat(r.exitCode()).as(r.stderr()).isEqualTo(1);
            JsonNode json = new ObjectMapper().readTree(r.stdout());
            assertThat(json.path("ok").asBoolean()).isFalse();
            assertThat(json.path("account").path("productionAccess").asBoolean(true)).isFalse();
            assertThat(json.path("dkim").path("tokens")).hasSize(3);
            assertThat(r.stderr()).contains("error: production access: sandbox: SES delivers only to verified addresses. "
                    + "Fix: in the sandbox: request production access");
        }
    }

    @Test
    void sendDeliversToTheSimulatorAndPrintsTheMessageId() throws Exception {
        try (SesClients ignored = verified()) {
            CmdResult r = sesTest("send", "--scenario", "ooto", "--subject", "e2e check").call();
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            String id = r.stdout().strip();
            JsonNode sent = SesSendTest.sent(id);
            assertThat(sent.path("destinations").path("ToAddresses").get(0).asText()).isEqualTo("ooto@simulator.amazonses.com");
            assertThat(sent.path("subject").asText()).isEqualTo("e2e check");
            assertThat(sent.path("source").asText()).isEqualTo("noreply@dmfenton.net");
        }
    }

    @Test
    void anUnverifiedSenderIsRefusedWithTheClearMessage() throws Exception {
        try (SesClients ignored = verified()) {
            CmdResult r = sesTest("send").env("SES_SENDER_EMAIL", "noreply@unverified.example").call();
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stdout()).isEmpty();
            assertThat(r.stderr()).contains("error: the sender noreply@unverified.example is not verified in SES us-east-1");
            assertThat(SesSendTest.sentMessages()).isEmpty();
        }
    }

    @Test
    void dryRunPrintsTheMessageAndSendsNothing() throws Exception {
        try (SesClients ignored = verified()) {
            CmdResult r = sesTest("send", "--dry-run", "--to", "me@example.org").call();
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).startsWith("From: noreply@dmfenton.net\nTo: me@example.org\nSubject: Code Monet SES test ")
                    .contains("--- text/plain ---", "--- text/html ---");
            assertThat(SesSendTest.sentMessages()).isEmpty();
            CmdResult both = sesTest("send", "--to", "me@example.org", "--scenario", "bounce").call();
            assertThat(both.exitCode()).isEqualTo(2);
            assertThat(both.stderr()).contains("--to and --scenario exclude each other");
        }
    }

    @Test
    void dnsComparesTheRealRecordsWithWhatSesExpects() throws Exception {
        try (SesClients clients = verified()) {
            String token = clients.v1().getIdentityVerificationAttributes(r -> r.identities(MotoSes.DOMAIN))
                    .verificationAttributes().get(MotoSes.DOMAIN).verificationToken();
            List<String> dkim = clients.v1().getIdentityDkimAttributes(r -> r.identities(MotoSes.DOMAIN))
                    .dkimAttributes().get(MotoSes.DOMAIN).dkimTokens();
            LocalDns zone = LocalDns.forDomain(MotoSes.DOMAIN)
                    .txt("_amazonses." + MotoSes.DOMAIN, token)
                    .txt(MotoSes.DOMAIN, "v=spf1 include:amazonses.com ~all")
                    .txt("_dmarc." + MotoSes.DOMAIN, "v=DMARC1; p=quarantine")
                    .mx("mail." + MotoSes.DOMAIN, "feedback-smtp.us-east-1.amazonses.com", 10)
                    .txt("mail." + MotoSes.DOMAIN, "v=spf1 include:amazonses.com ~all");
            for (String t : dkim) {
                zone.cname(t + "._domainkey." + MotoSes.DOMAIN, t + ".dkim.amazonses.com");
            }
            try (LocalDns dns = zone.start()) {
                CmdResult r = sesTest("dns", "--resolver", dns.server()).call();
                assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
                assertThat(r.stdout()).containsPattern("verification +ok +TXT +_amazonses.dmfenton.net")
                        .containsPattern("DKIM 3/3 +ok +CNAME +" + dkim.get(2) + "._domainkey.dmfenton.net")
                        .containsPattern("MAIL FROM MX +ok +MX +mail.dmfenton.net");
            }
            LocalDns broken = LocalDns.forDomain(MotoSes.DOMAIN)
                    .txt("_amazonses." + MotoSes.DOMAIN, token)
                    .mx("mail." + MotoSes.DOMAIN, "feedback-smtp.eu-west-1.amazonses.com", 10);
            try (LocalDns dns = broken.start()) {
                CmdResult r = sesTest("dns", "--json").env("MONET_SES_RESOLVER", dns.server()).call();
                assertThat(r.exitCode()).isEqualTo(1);
                JsonNode json = new ObjectMapper().readTree(r.stdout());
                assertThat(json.path("records").get(0).path("status").asText()).isEqualTo("ok");
                assertThat(json.path("records").get(1).path("status").asText()).isEqualTo("missing");
                assertThat(r.stderr()).contains("error: MAIL FROM MX: wrong: MX mail.dmfenton.net should be "
                        + "10 feedback-smtp.us-east-1.amazonses.com; found 10 feedback-smtp.eu-west-1.amazonses.com");
            }
        }
    }
}

package monet.ses;

import java.net.URI;
import monet.testing.Moto;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** SES clients on the shared moto server (SES v2 optionally elsewhere), and the setups the tests need. */
final class MotoSes {
    static final String DOMAIN = "dmfenton.net";
    static final String SENDER = "noreply@" + DOMAIN;
    static final SesSettings SETTINGS = new SesSettings(SENDER, DOMAIN, "mail." + DOMAIN, "us-east-1", false);

    private MotoSes() {}

    /** Both clients on moto, which wipes its state first. */
    static SesClients fresh() {
        Moto.get().reset();
        return clients(Moto.get().endpoint());
    }

    /** SES v1 on moto, SES v2 on {@code v2Endpoint}. */
    static SesClients clients(String v2Endpoint) {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        SesClient v1 = SesClient.builder().endpointOverride(URI.create(Moto.get().endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        SesV2Client v2 = SesV2Client.builder().endpointOverride(URI.create(v2Endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        return new SesClients(v1, v2, "us-east-1");
    }

    /** What terraform's ses.tf sets up: the domain identity, DKIM and MAIL FROM mail.DOMAIN. */
    static void verifiedDomain(SesClients clients) {
        clients.v1().verifyDomainIdentity(r -> r.domain(DOMAIN));
        clients.v1().verifyDomainDkim(r -> r.domain(DOMAIN));
        clients.v1().setIdentityMailFromDomain(r -> r.identity(DOMAIN).mailFromDomain("mail." + DOMAIN)
                .behaviorOnMXFailure("UseDefaultValue"));
    }
}

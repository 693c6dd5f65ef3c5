package monet.ses;

import monet.aws.Aws;
import monet.config.Config;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * The SES v1 and v2 clients for one region. v1 answers identities, DKIM, MAIL FROM, quota and
 * sending (what the Terraform's {@code aws_ses_domain_*} resources manage); v2 answers the
 * account: production access, sending, enforcement.
 *
 * @param v1     SES (2010-12-01)
 * @param v2     SES v2 (2019-09-27)
 * @param region the region both talk to
 */
record SesClients(SesClient v1, SesV2Client v2, String region) implements AutoCloseable {
    /** Clients from the AWS SDK's chains (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...). */
    static SesClients connect(Config config) {
        return new SesClients(Aws.client(SesClient.builder(), config), Aws.client(SesV2Client.builder(), config),
                Aws.region(config).id());
    }

    @Override
    public void close() {
        v1.close();
        v2.close();
    }
}

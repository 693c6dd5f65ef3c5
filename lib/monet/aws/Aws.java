package monet.aws;

import monet.config.Config;
import monet.config.Keys;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * AWS clients the toolkit's way: credentials, profile and endpoint from the SDK's own chains
 * ({@code AWS_PROFILE}, {@code AWS_ACCESS_KEY_ID}, {@code AWS_ENDPOINT_URL}, ...), the region
 * from the SDK's chain or else {@code aws.region}, and the URL-connection HTTP client, which
 * starts faster than Apache's or Netty's.
 *
 * <pre>{@code SsmClient ssm = Aws.client(SsmClient.builder(), config);}</pre>
 */
public final class Aws {
    private Aws() {}

    /** The region: the SDK's chain (AWS_REGION, AWS_DEFAULT_REGION's profile, ...), else {@code aws.region}. */
    public static Region region(Config config) {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException noneFound) {
            return Region.of(config.get(Keys.AWS_REGION));
        }
    }

    /** Builds a client from its builder with the toolkit's defaults. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, Config config) {
        return builder.region(region(config))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }
}

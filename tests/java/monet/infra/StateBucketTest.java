package monet.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import monet.process.CmdResult;
import monet.testing.Moto;
import monet.testing.Repo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The state bucket and the S3 backend, for real on moto: infrastructure/state/ applied (a
 * private, versioned, encrypted bucket), then infrastructure/ initialised with its real backend
 * block pointed at that bucket, a first apply whose state lands there encrypted, and the native
 * lock file ({@code use_lockfile}) stopping a second run while one holds the lock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StateBucketTest {
    static final String BUCKET = "monet-tfstate-123456789012";
    static final String KEY = "monet/terraform.tfstate";
    Moto moto;
    Map<String, String> env;
    TerraformDir state;
    TerraformDir infrastructure;
    S3Client s3;

    @BeforeAll
    void start() {
        moto = Moto.get();
        moto.reset();
        env = new java.util.HashMap<>(moto.env());
        env.remove("AWS_PROFILE"); // blank, the Go SDK reads it as a profile named ""
        s3 = S3Client.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build();
    }

    @AfterAll
    void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (moto != null) {
            moto.reset();
        }
    }

    @Test
    @Order(1)
    void theStateRootMakesAPrivateVersionedEncryptedBucket() {
        state = TerraformDir.copyOf(Repo.file("infrastructure/state")).env(env);
        state.write("moto_override.tf", motoProvider());
        state.run("init", "-input=false");
        state.run("plan", "-input=false", "-no-color", "-out=state.plan");
        JsonNode plan = InfraPolicy.parse(state.run("show", "-json", "state.plan").stdout());
        assertThat(InfraPolicy.violations(plan)).isEmpty();
        state.run("apply", "-input=false", "-no-color", "state.plan");
        assertThat(state.run("output", "-raw", "state_bucket").stdout()).isEqualTo(BUCKET);

        var block = s3.getPublicAccessBlock(r -> r.bucket(BUCKET)).publicAccessBlockConfiguration();
        assertThat(List.of(block.blockPublicAcls(), block.blockPublicPolicy(), block.ignorePublicAcls(), block.restrictPublicBuckets())).containsOnly(true);
        assertThat(s3.getBucketVersioning(r -> r.bucket(BUCKET)).statusAsString()).isEqualTo("Enabled");
        assertThat(s3.getBucketEncryption(r -> r.bucket(BUCKET)).serverSideEncryptionConfiguration().rules().get(0)
                .applyServerSideEncryptionByDefault().sseAlgorithmAsString()).isEqualTo("AES256");
        assertThat(s3.getBucketOwnershipControls(r -> r.bucket(BUCKET)).ownershipControls().rules().get(0).objectOwnershipAsString())
                .isEqualTo("BucketOwnerEnforced");
        JsonNode tlsOnly = InfraPolicy.parse(s3.getBucketPolicy(r -> r.bucket(BUCKET)).policy()).at("/Statement/0");
        assertThat(tlsOnly.path("Effect").asText()).isEqualTo("Deny");
        assertThat(tlsOnly.path("Principal").asText()).isEqualTo("*");
        assertThat(tlsOnly.at("/Condition/Bool/aws:SecureTransport").asText()).isEqualTo("false");
    }

    @Test
    @Order(2)
    void theStateGoesToTheBucketEncryptedAndNowhereElse() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(state != null, "needs the bucket");
        // moto serves plain HTTP and evaluates a Deny statement whose condition does not hold as a
        // Deny (moto/iam/access_control.py, _check_conditions): with the TLS-only policy it refuses
        // everything here, where real S3 over HTTPS refuses nothing. The policy is checked above.
        s3.deleteBucketPolicy(r -> r.bucket(BUCKET));
        infrastructure = TerraformDir.copyOfInfrastructure().env(env);
        infrastructure.write("moto_override.tf", InfrastructureTest.motoProviders(moto.endpoint()));
        // The backend block of main.tf as it is; only where S3 is (moto) and the bucket are given at init.
        infrastructure.write("moto.s3.tfbackend", """
                bucket                      = "%s"
                endpoints                   = { s3 = "%s" }
                use_path_style              = true
                skip_credentials_validation = true
                skip_requesting_account_id  = true
                skip_metadata_api_check     = true
                skip_region_validation      = true
                """.formatted(BUCKET, moto.endpoint()));
        infrastructure.run("init", "-input=false", "-backend-config=moto.s3.tfbackend");
        // Two repositories are enough to put a state in the bucket.
        infrastructure.run("apply", "-auto-approve", "-input=false", "-no-color", "-target=aws_ecr_repository.app",
                "-var", "ssh_key_name=", "-var", "alert_email=ops@example.com");

        HeadObjectResponse object = s3.headObject(r -> r.bucket(BUCKET).key(KEY));
        assertThat(object.serverSideEncryptionAsString()).as("encrypt = true").isEqualTo("AES256");
        String stored = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(KEY)).asUtf8String();
        assertThat(stored).contains("aws_ecr_repository", "drawing-agent");
        assertThat(infrastructure.dir.resolve("terraform.tfstate")).doesNotExist();
        assertThat(s3.listObjectsV2(r -> r.bucket(BUCKET)).contents()).extracting(o -> o.key())
                .as("the lock file is gone after the run").containsExactly(KEY);
        assertThat(Files.readString(Repo.file("infrastructure/main.tf"))).contains("use_lockfile = true", "encrypt      = true");
    }

    @Test
    @Order(3)
    void aRunWhileAnotherHoldsTheLockStops() {
        org.junit.jupiter.api.Assumptions.assumeTrue(infrastructure != null, "needs the backend");
        // What a run that is applying right now has written (Terraform's own lock info).
        s3.putObject(r -> r.bucket(BUCKET).key(KEY + ".tflock"), RequestBody.fromString("""
                {"ID":"0f6c5a43-1b2c-4d5e-8f90-a1b2c3d4e5f6","Operation":"OperationTypeApply","Info":"","Who":"ci@runner",
                 "Version":"1.11.4","Created":"2026-12-02T15:00:00Z","Path":"monet-tfstate-123456789012/monet/terraform.tfstate"}
                """));
        CmdResult plan = infrastructure.cmd("plan", "-input=false", "-no-color", "-lock-timeout=0s", "-var", "ssh_key_name=",
                "-var", "alert_email=ops@example.com").nothrow().run();
        assertThat(plan.exitCode()).isEqualTo(1);
        assertThat(plan.stderr()).contains("Error acquiring the state lock", "ci@runner");
        s3.deleteObject(r -> r.bucket(BUCKET).key(KEY + ".tflock"));
    }

    private String motoProvider() {
        return """
                provider "aws" {
                  skip_credentials_validation = true
                  skip_requesting_account_id  = true
                  skip_metadata_api_check     = true
                  s3_use_path_style           = true
                  endpoints {
                    s3  = "%1$s"
                    sts = "%1$s"
                    iam = "%1$s"
                  }
                }
                """.formatted(moto.endpoint());
    }
}

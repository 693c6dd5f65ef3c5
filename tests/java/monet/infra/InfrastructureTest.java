package monet.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.testing.Moto;
import monet.testing.Repo;
import monet.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * infrastructure/ for real: fmt, init from the provider mirror, validate, plans checked against
 * the security rules ({@link InfraPolicy}), then one apply and destroy against moto with the
 * outputs checked against what moto holds, and the github-secrets command on the applied state.
 *
 * <p>moto has no DLM, so the DLM policy is planned (and policy-checked) but left out of the
 * apply by a test-only override file; everything else is applied.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InfrastructureTest {
    static final String SSH_CIDR = "203.0.113.7/32";
    static final String ACCOUNT = "123456789012";
    TerraformDir tf;
    Moto moto;
    JsonNode sshOffPlan;
    CompletableFuture<JsonNode> sshOffPlanning = CompletableFuture.failedFuture(new IllegalStateException("not planned"));
    JsonNode appliedPlan;
    JsonNode outputs;

    @BeforeAll
    void copyAndInit() {
        tf = TerraformDir.copyOfInfrastructure();
        tf.run("init", "-backend=false", "-input=false");
    }

    @AfterAll
    void cleanUp() {
        sshOffPlanning.cancel(true);
        if (moto != null) {
            // Leave nothing (not even the hosted zone and key pair) for the next test class.
            moto.reset();
        }
    }

    @Test
    @Order(1)
    void isFormattedAndLeavesNothingInTheRepository() {
        CmdResult fmt = Cmd.of("terraform", "fmt", "-check", "-recursive", "-diff").dir(Repo.file("infrastructure")).nothrow().run();
        assertThat(fmt.exitCode()).as("terraform fmt -check:\n" + fmt.stdout()).isZero();
        assertThat(Repo.file("infrastructure/.terraform")).doesNotExist();
        assertThat(Repo.file("infrastructure/terraform.tfstate")).doesNotExist();
    }

    @Test
    @Order(2)
    void hasExactlyTheSeedsFilesAndValidates() throws Exception {
        try (var files = Files.list(Repo.file("infrastructure"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("backup.tf", "ec2.tf", "ecr.tf", "github_actions.tf", "main.tf", "monitoring.tf",
                            "outputs.tf", "route53.tf", "ses.tf", "user_data.sh", "variables.tf", "vpc.tf");
        }
        assertThat(tf.run("validate", "-no-color").stdout()).contains("The configuration is valid");
    }

    @Test
    @Order(3)
    void theDataVolumeCannotBeDestroyedByAccident() throws Exception {
        String ec2 = Files.readString(Repo.file("infrastructure/ec2.tf"));
        String volume = ec2.substring(ec2.indexOf("resource \"aws_ebs_volume\" \"data\""));
        volume = volume.substring(0, volume.indexOf("\n}\n"));
        assertThat(volume).containsPattern("lifecycle \\{\\s+prevent_destroy = true");
    }

    @Test
    @Order(21)
    void planWithSshClosedKeepsEveryRule() throws Exception {
        sshOffPlan = sshOffPlanning.get(5, TimeUnit.MINUTES);
        assertThat(InfraPolicy.violations(sshOffPlan)).isEmpty();
        assertThat(addresses(sshOffPlan)).contains("aws_dlm_lifecycle_policy.data", "aws_instance.app", "aws_ebs_volume.data",
                "aws_s3_bucket_public_access_block.deploy", "aws_iam_user_policy.github_actions");
        assertThat(sshOffPlan.at("/planned_values/outputs/ssh_command/value").asText()).startsWith("SSH is closed");
    }

    @Test
    @Order(22)
    void theRulesCatchEachBreak() {
        org.junit.jupiter.api.Assumptions.assumeTrue(sshOffPlan != null, "needs the plan");
        JsonNode plan = sshOffPlan;
        Map<String, Consumer<JsonNode>> breaks = new java.util.LinkedHashMap<>();
        breaks.put("IMDSv2", p -> ((ObjectNode) resource(p, "aws_instance.app").at("/values/metadata_options/0")).put("http_tokens", "optional"));
        breaks.put("root volume must be encrypted", p -> ((ObjectNode) resource(p, "aws_instance.app").at("/values/root_block_device/0")).put("encrypted", false));
        breaks.put("volume must be encrypted", p -> ((ObjectNode) resource(p, "aws_ebs_volume.data").path("values")).put("encrypted", false));
        breaks.put("SSH must be closed", p -> ingress(p).addObject().put("from_port", 22).put("to_port", 22).put("protocol", "tcp")
                .set("cidr_blocks", ingress(p).arrayNode().add("0.0.0.0/0")));
        breaks.put("only 80 and 443", p -> ingress(p).addObject().put("from_port", 5432).put("to_port", 5432).put("protocol", "tcp")
                .set("cidr_blocks", ingress(p).arrayNode().add("0.0.0.0/0")));
        breaks.put("block_public_policy", p -> ((ObjectNode) resource(p, "aws_s3_bucket_public_access_block.deploy").path("values")).put("block_public_policy", false));
        breaks.put("BucketOwnerEnforced", p -> ((ObjectNode) resource(p, "aws_s3_bucket_ownership_controls.deploy").at("/values/rule/0")).put("object_ownership", "ObjectWriter"));
        breaks.put("must not allow everyone", p -> addStatement(p, "aws_s3_bucket_policy.deploy",
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}"));
        breaks.put("scan on push", p -> ((ObjectNode) resource(p, "aws_ecr_repository.app[\"web-ssr\"]").at("/values/image_scanning_configuration/0")).put("scan_on_push", false));
        breaks.put("no wildcard actions", p -> addStatement(p, "aws_iam_user_policy.github_actions",
                "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::monet-deploy-" + ACCOUNT + "/web/*\"}"));
        breaks.put("must name its resources", p -> addStatement(p, "aws_iam_role_policy.instance",
                "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}"));
        breaks.put("not something the release needs", p -> addStatement(p, "aws_iam_user_policy.github_actions",
                "{\"Effect\":\"Allow\",\"Action\":\"iam:CreateAccessKey\",\"Resource\":\"arn:aws:iam::" + ACCOUNT + ":user/x\"}"));
        breaks.put("AWS-RunShellScript only", p -> addStatement(p, "aws_iam_user_policy.github_actions",
                "{\"Effect\":\"Allow\",\"Action\":\"ssm:SendCommand\",\"Resource\":\"arn:aws:ssm:us-east-1::document/AWS-RunPowerShellScript\"}"));
        breaks.put("only to the instance tagged", p -> addStatement(p, "aws_iam_user_policy.github_actions",
                "{\"Effect\":\"Allow\",\"Action\":\"ssm:SendCommand\",\"Resource\":\"arn:aws:ec2:us-east-1:" + ACCOUNT + ":instance/*\"}"));
        breaks.put("deploy bucket's web/ and config/", p -> addStatement(p, "aws_iam_user_policy.github_actions",
                "{\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::monet-deploy-" + ACCOUNT + "/*\"}"));
        breaks.put("kms:ViaService", p -> addStatement(p, "aws_iam_role_policy.instance",
                "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"arn:aws:kms:us-east-1:" + ACCOUNT + ":key/abc\"}"));
        breaks.put("short-lived", p -> addStatement(p, "aws_iam_role_policy.instance",
                "{\"Effect\":\"Allow\",\"Action\":\"ssm:DeleteParameter\",\"Resource\":\"arn:aws:ssm:us-east-1:" + ACCOUNT + ":parameter/monet/app/*\"}"));
        List<String> missed = new ArrayList<>();
        breaks.forEach((rule, breakIt) -> {
            JsonNode broken = plan.deepCopy();
            breakIt.accept(broken);
            List<String> found = InfraPolicy.violations(broken);
            if (found.stream().noneMatch(v -> v.contains(rule))) {
                missed.add(rule + " (found: " + found + ")");
            }
        });
        assertThat(missed).as("rules that did not catch their break").isEmpty();
    }

    @Test
    @Order(20)
    void applyAgainstMotoGivesTheOutputsTheScriptsRead() {
        startMoto();
        // The full plan with SSH closed (DLM included) runs meanwhile in a twin directory: the
        // apply mostly waits on the provider's polling, so this costs little time.
        TerraformDir twin = tf.twin();
        sshOffPlanning = CompletableFuture.supplyAsync(() -> plan(twin, "ssh-off.plan", ""));
        // moto has no DLM (planned above); the data volume's guard would stop the destroy below.
        tf.write("moto_apply_override.tf", """
                resource "aws_dlm_lifecycle_policy" "data" {
                  count = 0
                }
                resource "aws_ebs_volume" "data" {
                  lifecycle {
                    prevent_destroy = false
                  }
                }
                """);
        appliedPlan = plan(tf, "apply.plan", SSH_CIDR);
        assertThat(InfraPolicy.violations(appliedPlan)).isEmpty();
        tf.run("apply", "-input=false", "-no-color", "-parallelism=30", "apply.plan");
        outputs = InfraPolicy.parse(tf.run("output", "-json").stdout());

        try (Ec2Client ec2 = client(Ec2Client.builder()); EcrClient ecr = client(EcrClient.builder());
                S3Client s3 = client(S3Client.builder().forcePathStyle(true)); SesClient ses = client(SesClient.builder())) {
            List<Instance> tagged = ec2.describeInstances(r -> r.filters(Filter.builder().name("tag:Name").values("drawing-agent").build(),
                            Filter.builder().name("instance-state-name").values("running").build()))
                    .reservations().stream().flatMap(r -> r.instances().stream()).toList();
            assertThat(tagged).hasSize(1);
            Instance instance = tagged.get(0);
            assertThat(output("instance_id")).isEqualTo(instance.instanceId());
            assertThat(output("public_ip")).isEqualTo(instance.publicIpAddress());
            assertThat(instance.instanceTypeAsString()).isEqualTo("t3.small");
            assertThat(instance.metadataOptions().httpTokensAsString()).isEqualTo("required");
            // user_data.sh reads its settings from these tags.
            assertThat(instance.tags()).extracting(t -> t.key() + "=" + t.value()).contains("DataVolumeId=" + output("data_volume_id"),
                    "DeployBucket=" + output("deploy_bucket"), "AppLogGroup=/monet/app", "SiteHost=monet.dmfenton.net",
                    "AppParameters=/monet/app/", "EcrRegistry=" + output("ecr_registry"));
            var volume = ec2.describeVolumes(r -> r.volumeIds(output("data_volume_id"))).volumes().get(0);
            assertThat(volume.encrypted()).isTrue();
            assertThat(volume.size()).isEqualTo(10);
            assertThat(volume.attachments()).singleElement().satisfies(a -> assertThat(a.instanceId()).isEqualTo(instance.instanceId()));
            assertThat(volume.tags()).anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("Backup=true"));
            var group = ec2.describeSecurityGroups(r -> r.groupIds(instance.securityGroups().get(0).groupId())).securityGroups().get(0);
            assertThat(group.ipPermissions()).filteredOn(p -> p.fromPort() == 22)
                    .singleElement().satisfies(p -> assertThat(p.ipRanges()).singleElement().satisfies(range -> assertThat(range.cidrIp()).isEqualTo(SSH_CIDR)));

            String registry = ACCOUNT + ".dkr.ecr.us-east-1.amazonaws.com";
            assertThat(output("ecr_registry")).isEqualTo(registry);
            assertThat(outputs.at("/ecr_repository_urls/value").properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("drawing-agent", "web-ssr");
            List<Repository> repositories = ecr.describeRepositories(r -> r.repositoryNames("drawing-agent", "web-ssr")).repositories();
            assertThat(repositories).hasSize(2).allSatisfy(repo -> {
                assertThat(repo.imageScanningConfiguration().scanOnPush()).isTrue();
                assertThat(outputs.at("/ecr_repository_urls/value/" + repo.repositoryName()).asText()).isEqualTo(repo.repositoryUri())
                        .isEqualTo(registry + "/" + repo.repositoryName());
                assertThat(ecr.getLifecyclePolicy(r -> r.repositoryName(repo.repositoryName())).lifecyclePolicyText()).contains("\"countNumber\":5");
            });

            String bucket = output("deploy_bucket");
            assertThat(bucket).isEqualTo("monet-deploy-" + ACCOUNT);
            var block = s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration();
            assertThat(List.of(block.blockPublicAcls(), block.blockPublicPolicy(), block.ignorePublicAcls(), block.restrictPublicBuckets())).containsOnly(true);

            assertThat(ses.listIdentities(r -> { }).identities()).contains("dmfenton.net");
            assertThat(ses.getIdentityMailFromDomainAttributes(r -> r.identities("dmfenton.net")).mailFromDomainAttributes()
                    .get("dmfenton.net").mailFromDomain()).isEqualTo("mail.dmfenton.net");
        }

        assertThat(output("site_url")).isEqualTo("https://monet.dmfenton.net");
        assertThat(output("api_url")).isEqualTo("https://monet.dmfenton.net/api");
        assertThat(output("ssh_command")).isEqualTo("ssh -i ~/.ssh/drawing-agent.pem ec2-user@" + output("public_ip"));
        assertThat(outputs.at("/github_actions_secret_access_key/sensitive").asBoolean()).isTrue();
        // remote logs --follow reads this group by default (logs.group)
        assertThat(output("app_log_group")).isEqualTo("/monet/app");
        // The key works, and belongs to the release's user.
        String keyId = output("github_actions_access_key_id");
        String secret = output("github_actions_secret_access_key");
        try (StsClient sts = StsClient.builder().endpointOverride(java.net.URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret))).build()) {
            assertThat(sts.getCallerIdentity().arn()).isEqualTo("arn:aws:iam::" + ACCOUNT + ":user/monet-github-actions");
        }
    }

    @Test
    @Order(23)
    void githubSecretsCommandSetsTheAppliedKeyThroughStdin() {
        org.junit.jupiter.api.Assumptions.assumeTrue(outputs != null, "needs the apply");
        Stand gh = Stand.gh();
        CmdResult run = gh.runCommand(tf.cliConfig(), "", "--repo", "dmfenton/CodeMonet", "--terraform-dir", tf.dir.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        String keyId = output("github_actions_access_key_id");
        String secret = output("github_actions_secret_access_key");
        assertThat(gh.calls()).extracting(Stand.Call::args).containsExactly(
                List.of("secret", "set", "AWS_ACCESS_KEY_ID", "--repo", "dmfenton/CodeMonet"),
                List.of("secret", "set", "AWS_SECRET_ACCESS_KEY", "--repo", "dmfenton/CodeMonet"),
                List.of("secret", "set", "DEPLOY_BUCKET", "--repo", "dmfenton/CodeMonet"));
        assertThat(gh.calls()).extracting(Stand.Call::stdin).containsExactly(keyId, secret, output("deploy_bucket"));
        assertThat(run.stdout() + run.stderr()).doesNotContain(secret).doesNotContain(keyId)
                .contains("set AWS_ACCESS_KEY_ID on dmfenton/CodeMonet", "set AWS_SECRET_ACCESS_KEY on dmfenton/CodeMonet");
    }

    @Test
    @Order(30)
    void destroyRemovesEverything() {
        org.junit.jupiter.api.Assumptions.assumeTrue(outputs != null, "needs the apply");
        tf.run("destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false", "-parallelism=30",
                "-var", "ssh_key_name=drawing-agent", "-var", "alert_email=ops@example.com", "-var", "ssh_cidr=" + SSH_CIDR);
        assertThat(tf.run("state", "list").stdout()).isBlank();
        try (Ec2Client ec2 = client(Ec2Client.builder()); S3Client s3 = client(S3Client.builder().forcePathStyle(true))) {
            assertThat(ec2.describeInstances(r -> r.filters(Filter.builder().name("instance-state-name").values("running").build()))
                    .reservations()).isEmpty();
            assertThat(ec2.describeVolumes().volumes()).noneMatch(v -> v.volumeId().equals(output("data_volume_id")));
            assertThat(s3.listBuckets().buckets()).noneMatch(b -> b.name().equals(output("deploy_bucket")));
        }
    }

    // --- helpers ---------------------------------------------------------------------------

    private void startMoto() {
        if (moto != null) {
            return;
        }
        moto = Moto.get();
        moto.reset();
        // Moto.env() blanks AWS_PROFILE, which boto3 and the Go SDK read as a profile named "".
        Map<String, String> env = new java.util.HashMap<>(moto.env());
        env.remove("AWS_PROFILE");
        tf.env(env);
        // What exists before Terraform: the domain's hosted zone and the operator's key pair.
        Cmd prerequisites = Cmd.of(Tools.require("python3").toString(), "-c", """
                import boto3
                boto3.client("route53").create_hosted_zone(Name="dmfenton.net", CallerReference="monet-test")
                boto3.client("ec2").create_key_pair(KeyName="drawing-agent")
                """).env(env);
        prerequisites.run();
        StringBuilder endpoints = new StringBuilder();
        for (String service : List.of("cloudwatch", "dlm", "ec2", "ecr", "iam", "kms", "logs", "route53", "s3", "ses", "sns", "ssm", "sts")) {
            endpoints.append("    ").append(service).append(" = \"").append(moto.endpoint()).append("\"\n");
        }
        tf.write("moto_override.tf", """
                provider "aws" {
                  skip_credentials_validation = true
                  skip_requesting_account_id  = true
                  skip_metadata_api_check     = true
                  s3_use_path_style           = true
                  endpoints {
                %s  }
                }
                """.formatted(endpoints));
    }

    private static JsonNode plan(TerraformDir tf, String file, String sshCidr) {
        tf.run("plan", "-input=false", "-no-color", "-out=" + file, "-var", "ssh_key_name=drawing-agent",
                "-var", "alert_email=ops@example.com", "-var", "ssh_cidr=" + sshCidr);
        return InfraPolicy.parse(tf.run("show", "-json", file).stdout());
    }

    private String output(String name) {
        return outputs.path(name).path("value").asText();
    }

    private <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>, C> C client(B builder) {
        return builder.endpointOverride(java.net.URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build();
    }

    private static List<String> addresses(JsonNode plan) {
        List<String> out = new ArrayList<>();
        plan.at("/planned_values/root_module/resources").forEach(r -> out.add(r.path("address").asText()));
        return out;
    }

    private static JsonNode resource(JsonNode plan, String address) {
        for (JsonNode r : plan.at("/planned_values/root_module/resources")) {
            if (r.path("address").asText().equals(address)) {
                return r;
            }
        }
        throw new AssertionError("no " + address + " in the plan");
    }

    private static ArrayNode ingress(JsonNode plan) {
        return (ArrayNode) resource(plan, "aws_security_group.app").at("/values/ingress");
    }

    private static void addStatement(JsonNode plan, String address, String statement) {
        ObjectNode values = (ObjectNode) resource(plan, address).path("values");
        ObjectNode policy = (ObjectNode) InfraPolicy.parse(values.path("policy").asText());
        ((ArrayNode) policy.path("Statement")).add(InfraPolicy.parse(statement));
        values.put("policy", policy.toString());
    }
}

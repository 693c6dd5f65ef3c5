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
import monet.infra.IamEvaluator.Decision;
import monet.infra.IamEvaluator.Request;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * infrastructure/ for real: fmt, init from the provider mirror, validate, plans checked against
 * the security rules ({@link InfraPolicy}), then one apply against moto into a zone that already
 * has apex TXT records, with the outputs checked against what moto holds, what each principal
 * can then do (its inline and attached AWS-managed policies, the key and trust policies, asked of
 * {@link IamEvaluator}), a re-plan without changes, the github-secrets command on the applied
 * state, and destroy.
 *
 * <p>moto has no DLM, so the DLM policy is planned (and policy-checked) but left out of the
 * apply by a test-only override file; everything else is applied. The state goes to a local
 * backend here (another test-only override); {@link StateBucketTest} runs the real S3 backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InfrastructureTest {
    static final String SSH_CIDR = "203.0.113.7/32";
    static final String ACCOUNT = "123456789012";
    static final String RELEASE_POLICY = "aws_iam_role_policy.github_release[0]";
    TerraformDir tf;
    Moto moto;
    JsonNode sshOffPlan;
    CompletableFuture<JsonNode> sshOffPlanning = CompletableFuture.failedFuture(new IllegalStateException("not planned"));
    JsonNode appliedPlan;
    JsonNode outputs;
    /** moto's environment for the aws CLI and Terraform. */
    Map<String, String> motoEnv;
    /** What the zone has before Terraform, and what the operator adds: two SPF records among them. */
    static final List<String> ZONE_APEX_TXT = List.of("v=spf1 include:_spf.google.com ~all", "google-site-verification=abc123");
    static final String EXTRA_APEX_TXT = "v=spf1 include:mailgun.org -all";
    /** The applied configuration: both ways for the release (the IAM user and the OIDC role), one more apex TXT value. */
    static final String[] APPLY_VARS = {"-var", "release_auth=both", "-var", "apex_txt_records=[\"" + EXTRA_APEX_TXT + "\"]"};

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
        // Without a backend (-backend=false), as a laptop without AWS access or CI can check it.
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
        // The defaults: the release reaches AWS through the OIDC role, no IAM user and no stored key.
        assertThat(addresses(sshOffPlan)).contains("aws_dlm_lifecycle_policy.data", "aws_instance.app", "aws_ebs_volume.data",
                "aws_s3_bucket_public_access_block.deploy", "aws_iam_role_policy.github_release[0]", "aws_kms_key.parameters",
                "aws_iam_openid_connect_provider.github[0]").noneMatch(a -> a.startsWith("aws_iam_user") || a.startsWith("aws_iam_access_key"));
        assertThat(sshOffPlan.at("/planned_values/outputs/github_actions_access_key_id/value").isMissingNode()
                || sshOffPlan.at("/planned_values/outputs/github_actions_access_key_id/value").isNull()).isTrue();
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
        breaks.put("no wildcard actions", p -> addStatement(p, RELEASE_POLICY,
                "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::monet-deploy-" + ACCOUNT + "/web/*\"}"));
        breaks.put("must name its resources", p -> addStatement(p, "aws_iam_role_policy.instance",
                "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}"));
        breaks.put("not something the release needs", p -> addStatement(p, RELEASE_POLICY,
                "{\"Effect\":\"Allow\",\"Action\":\"iam:CreateAccessKey\",\"Resource\":\"arn:aws:iam::" + ACCOUNT + ":user/x\"}"));
        breaks.put("AWS-RunShellScript only", p -> addStatement(p, RELEASE_POLICY,
                "{\"Effect\":\"Allow\",\"Action\":\"ssm:SendCommand\",\"Resource\":\"arn:aws:ssm:us-east-1::document/AWS-RunPowerShellScript\"}"));
        breaks.put("only to the instance tagged", p -> addStatement(p, RELEASE_POLICY,
                "{\"Effect\":\"Allow\",\"Action\":\"ssm:SendCommand\",\"Resource\":\"arn:aws:ec2:us-east-1:" + ACCOUNT + ":instance/*\"}"));
        breaks.put("deploy bucket's web/ and config/", p -> addStatement(p, RELEASE_POLICY,
                "{\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::monet-deploy-" + ACCOUNT + "/*\"}"));
        breaks.put("kms:ViaService", p -> addStatement(p, "aws_iam_role_policy.instance",
                "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"arn:aws:kms:us-east-1:" + ACCOUNT + ":key/abc\"}"));
        breaks.put("only as the configured sender", p -> addStatement(p, "aws_iam_role_policy.instance",
                "{\"Effect\":\"Allow\",\"Action\":\"ses:SendEmail\",\"Resource\":\"arn:aws:ses:us-east-1:" + ACCOUNT + ":identity/*\"}"));
        breaks.put("must name exactly " + InfraPolicy.RELEASE_SUBJECT, p -> trust(p, "aws_iam_role.github_release[0]",
                t -> ((ObjectNode) t.at("/Statement/0/Condition/StringLike")).put("token.actions.githubusercontent.com:sub", "repo:dmfenton/CodeMonet:*")));
        breaks.put("require aud", p -> trust(p, "aws_iam_role.github_release[0]",
                t -> ((ObjectNode) t.at("/Statement/0/Condition")).remove("StringEquals")));
        breaks.put("only for named roles", p -> policyOf(p, "aws_kms_key.parameters", "policy",
                k -> ((ArrayNode) k.path("Statement")).add(InfraPolicy.parse("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
                        + ACCOUNT + ":root\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
                        + "{\"kms:ViaService\":\"ssm.us-east-1.amazonaws.com\"}}}"))));
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
        appliedPlan = plan(tf, "apply.plan", SSH_CIDR, APPLY_VARS);
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
                    "AppParameters=/monet/app/", "EcrRegistry=" + output("ecr_registry"), "ComposeVersion=v2.29.7",
                    "ComposeSha256=aarch64=6e9fbd5daa20dca5d7d89145081ae8155d68ef2928b497d9f85b54fe0f9dbb2c "
                            + "x86_64=383ce6698cd5d5bbf958d2c8489ed75094e34a77d340404d9f32c4ae9e12baf0");
            // EC2 takes at most 16 KB of user data; cloud-init gunzips it and runs exactly user_data.sh.
            String userData = ec2.describeInstanceAttribute(r -> r.instanceId(instance.instanceId()).attribute("userData")).userData().value();
            byte[] gzipped = java.util.Base64.getDecoder().decode(userData);
            assertThat(gzipped.length).isLessThan(16 * 1024);
            try (var gunzip = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
                assertThat(new String(gunzip.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                        .isEqualTo(Files.readString(Repo.file("infrastructure/user_data.sh")));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
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
    void githubSecretsSetsTheRoleByDefaultAndTheKeyWhenAsked() {
        org.junit.jupiter.api.Assumptions.assumeTrue(outputs != null, "needs the apply");
        // release_auth = "both": the state has the role and the key; the role wins, the stored key goes.
        Stand gh = Stand.gh("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        CmdResult oidc = gh.runCommand(tf.cliConfig(), "", "--repo", "dmfenton/CodeMonet", "--terraform-dir", tf.dir.toString());
        assertThat(oidc.exitCode()).as(oidc.stderr()).isZero();
        assertThat(gh.calls()).extracting(Stand.Call::stdin).startsWith(output("github_actions_role_arn"), output("deploy_bucket"));
        assertThat(gh.secretNames()).containsExactly("AWS_ROLE_ARN", "DEPLOY_BUCKET");

        Stand keys = Stand.gh("AWS_ROLE_ARN");
        CmdResult run = keys.runCommand(tf.cliConfig(), "", "--auth", "keys", "--repo", "dmfenton/CodeMonet", "--terraform-dir", tf.dir.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        String keyId = output("github_actions_access_key_id");
        String secret = output("github_actions_secret_access_key");
        assertThat(keys.calls()).extracting(Stand.Call::args).containsExactly(
                List.of("secret", "set", "AWS_ACCESS_KEY_ID", "--repo", "dmfenton/CodeMonet"),
                List.of("secret", "set", "AWS_SECRET_ACCESS_KEY", "--repo", "dmfenton/CodeMonet"),
                List.of("secret", "set", "DEPLOY_BUCKET", "--repo", "dmfenton/CodeMonet"),
                List.of("secret", "delete", "AWS_ROLE_ARN", "--repo", "dmfenton/CodeMonet"));
        assertThat(keys.calls()).extracting(Stand.Call::stdin).containsExactly(keyId, secret, output("deploy_bucket"), "");
        assertThat(keys.secretNames()).containsExactly("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "DEPLOY_BUCKET");
        assertThat(run.stdout() + run.stderr()).doesNotContain(secret).doesNotContain(keyId)
                .contains("set AWS_ACCESS_KEY_ID on dmfenton/CodeMonet", "set AWS_SECRET_ACCESS_KEY on dmfenton/CodeMonet");
    }

    @Test
    @Order(24)
    void theApexKeepsWhatTheZoneHadWithOneValidSpfRecord() {
        org.junit.jupiter.api.Assumptions.assumeTrue(outputs != null, "needs the apply");
        try (Route53Client route53 = client(Route53Client.builder())) {
            String zone = route53.listHostedZones().hostedZones().stream().filter(z -> z.name().equals("dmfenton.net."))
                    .findFirst().orElseThrow().id();
            List<String> apex = route53.listResourceRecordSets(r -> r.hostedZoneId(zone)).resourceRecordSets().stream()
                    .filter(set -> set.name().equals("dmfenton.net.") && set.typeAsString().equals("TXT"))
                    .flatMap(set -> set.resourceRecords().stream()).map(record -> Spf.unquote(record.value())).toList();
            assertThat(apex).as("one TXT set at the apex").contains("google-site-verification=abc123");
            List<String> spf = apex.stream().filter(Spf::isSpf).toList();
            assertThat(spf).as("SPF records at the apex").singleElement().satisfies(record -> {
                assertThat(Spf.problems(record)).isEmpty();
                // Everyone who sent before still may: the zone's SPF and the operator's, merged, plus SES.
                assertThat(record).isEqualTo("v=spf1 include:_spf.google.com include:mailgun.org include:amazonses.com ~all");
            });
            List<String> dmarc = route53.listResourceRecordSets(r -> r.hostedZoneId(zone)).resourceRecordSets().stream()
                    .filter(set -> set.name().equals("_dmarc.dmfenton.net.")).flatMap(set -> set.resourceRecords().stream())
                    .map(record -> Spf.unquote(record.value())).toList();
            assertThat(dmarc).containsExactly("v=DMARC1; p=none; rua=mailto:ops@example.com; adkim=r; aspf=r");
        }
    }

    @Test
    @Order(25)
    void aSecondPlanChangesNothing() {
        org.junit.jupiter.api.Assumptions.assumeTrue(outputs != null, "needs the apply");
        CmdResult plan = tf.cmd(args(List.of("plan", "-input=false", "-no-color", "-detailed-exitcode"), SSH_CIDR, APPLY_VARS)).nothrow().run();
        assertThat(plan.exitCode()).as(plan.stdout() + plan.stderr()).isZero();
    }

    @Test
    @Order(26)
    void theServerReadsOnlyItsOwnParametersAndOnlyItDecryptsThem() {
        org.junit.jupiter.api.Assumptions.assumeTrue(outputs != null, "needs the apply");
        try (IamClient iam = client(IamClient.builder()); KmsClient kms = client(KmsClient.builder())) {
            AccountPolicies account = new AccountPolicies(iam, kms);
            List<JsonNode> server = account.ofRole("monet-instance");
            assertThat(server).as("inline policy and AmazonSSMManagedInstanceCore").hasSize(2);
            String parameters = "arn:aws:ssm:us-east-1:" + ACCOUNT + ":parameter";
            for (String action : List.of("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath")) {
                assertThat(IamEvaluator.decide(server, new Request(action, parameters + "/monet/app/DATABASE_URL"))).isEqualTo(Decision.ALLOWED);
                // AmazonSSMManagedInstanceCore allows these on every parameter; the aws/ssm key's policy
                // lets every principal of the account decrypt through SSM: only the Deny stops the read.
                assertThat(IamEvaluator.decide(server, new Request(action, parameters + "/billing/stripe-key")))
                        .as(action + " on another application's parameter").isEqualTo(Decision.EXPLICITLY_DENIED);
            }
            assertThat(IamEvaluator.decide(server, new Request("ssm:GetParameter", parameters + "/monet/tmp/9f1c"))).isEqualTo(Decision.ALLOWED);
            assertThat(IamEvaluator.decide(server, new Request("ssm:DeleteParameter", parameters + "/monet/tmp/9f1c"))).isEqualTo(Decision.ALLOWED);
            assertThat(IamEvaluator.decide(server, new Request("ssm:DeleteParameter", parameters + "/monet/app/DATABASE_URL"))).isNotEqualTo(Decision.ALLOWED);
            assertThat(IamEvaluator.decide(server, new Request("ssm:PutParameter", parameters + "/monet/app/DATABASE_URL"))).isNotEqualTo(Decision.ALLOWED);

            // The app's key: IAM and the key policy must both let a principal decrypt.
            String key = account.keyArn(output("parameters_kms_key"));
            JsonNode keyPolicy = account.keyPolicy(output("parameters_kms_key"));
            String serverRole = "arn:aws:iam::" + ACCOUNT + ":role/monet-instance";
            Request decrypt = new Request("kms:Decrypt", key).with("kms:ViaService", "ssm.us-east-1.amazonaws.com");
            Request appParameter = decrypt.with("kms:EncryptionContext:PARAMETER_ARN", parameters + "/monet/app/DATABASE_URL");
            String session = "arn:aws:sts::" + ACCOUNT + ":assumed-role/monet-instance/i-0abc";
            assertThat(canUseKey(server, keyPolicy, appParameter.by(session))).as("the server decrypts its parameters").isTrue();
            assertThat(canUseKey(server, keyPolicy, decrypt.with("kms:EncryptionContext:PARAMETER_ARN", parameters + "/monet/tmp/9f1c").by(session))).isTrue();
            assertThat(canUseKey(server, keyPolicy, decrypt.with("kms:EncryptionContext:PARAMETER_ARN", parameters + "/billing/x").by(session)))
                    .as("another parameter that someone encrypted with this key").isFalse();
            assertThat(canUseKey(server, keyPolicy, new Request("kms:Decrypt", key).with("kms:EncryptionContext:PARAMETER_ARN",
                    parameters + "/monet/app/DATABASE_URL").by(session))).as("KMS called directly, not through SSM").isFalse();
            // An administrator whose IAM policy allows every action still cannot decrypt: the key policy does not delegate it.
            List<JsonNode> administrator = List.of(InfraPolicy.parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
            String admin = "arn:aws:iam::" + ACCOUNT + ":user/admin";
            assertThat(canUseKey(administrator, keyPolicy, appParameter.by(admin))).isFalse();
            assertThat(canUseKey(administrator, keyPolicy, new Request("kms:CreateGrant", key).by(admin))).isFalse();
            assertThat(canUseKey(administrator, keyPolicy, new Request("kms:Encrypt", key).with("kms:ViaService", "ssm.us-east-1.amazonaws.com").by(admin)))
                    .as("operators put parameters with it").isTrue();
            assertThat(canUseKey(administrator, keyPolicy, new Request("kms:PutKeyPolicy", key).by(admin))).as("the account keeps control of its key").isTrue();
            assertThat(canUseKey(account.ofUser("monet-github-actions"), keyPolicy, appParameter.by("arn:aws:iam::" + ACCOUNT + ":user/monet-github-actions"))).isFalse();
        }
    }

    @Test
    @Order(27)
    void theServerSendsMailAsTheSenderToAnyRecipientIdentity() {
        org.junit.jupiter.api.Assumptions.assumeTrue(outputs != null, "needs the apply");
        try (IamClient iam = client(IamClient.builder()); KmsClient kms = client(KmsClient.builder())) {
            List<JsonNode> server = new AccountPolicies(iam, kms).ofRole("monet-instance");
            String identity = "arn:aws:ses:us-east-1:" + ACCOUNT + ":identity/";
            for (String action : List.of("ses:SendEmail", "ses:SendRawEmail")) {
                Request asSender = new Request(action, identity + "dmfenton.net").with("ses:FromAddress", "noreply@dmfenton.net");
                assertThat(IamEvaluator.decide(server, asSender)).isEqualTo(Decision.ALLOWED);
                // In the sandbox SES also authorizes the call against each verified recipient's identity.
                assertThat(IamEvaluator.decide(server, new Request(action, identity + "tester@example.org")
                        .with("ses:FromAddress", "noreply@dmfenton.net"))).isEqualTo(Decision.ALLOWED);
                assertThat(IamEvaluator.decide(server, new Request(action, identity + "dmfenton.net")
                        .with("ses:FromAddress", "ceo@dmfenton.net"))).as("another From address").isNotEqualTo(Decision.ALLOWED);
            }
        }
    }

    @Test
    @Order(28)
    void theReleaseMayDoItsWorkAndNothingElseAsUserAndAsRole() {
        org.junit.jupiter.api.Assumptions.assumeTrue(outputs != null, "needs the apply");
        try (IamClient iam = client(IamClient.builder()); KmsClient kms = client(KmsClient.builder())) {
            AccountPolicies account = new AccountPolicies(iam, kms);
            String bucket = "arn:aws:s3:::" + output("deploy_bucket");
            String repository = "arn:aws:ecr:us-east-1:" + ACCOUNT + ":repository/";
            String instance = "arn:aws:ec2:us-east-1:" + ACCOUNT + ":instance/" + output("instance_id");
            for (List<JsonNode> release : List.of(account.ofUser("monet-github-actions"), account.ofRole("monet-github-release"))) {
                assertThat(IamEvaluator.decide(release, new Request("ecr:PutImage", repository + "web-ssr"))).isEqualTo(Decision.ALLOWED);
                assertThat(IamEvaluator.decide(release, new Request("s3:PutObject", bucket + "/web/index.html"))).isEqualTo(Decision.ALLOWED);
                assertThat(IamEvaluator.decide(release, new Request("ssm:SendCommand", "arn:aws:ssm:us-east-1::document/AWS-RunShellScript")))
                        .isEqualTo(Decision.ALLOWED);
                assertThat(IamEvaluator.decide(release, new Request("ssm:SendCommand", instance).with("ssm:resourceTag/Name", "drawing-agent")))
                        .isEqualTo(Decision.ALLOWED);
                Map<String, Request> refused = new java.util.LinkedHashMap<>();
                refused.put("another repository", new Request("ecr:PutImage", repository + "other"));
                refused.put("outside web/ and config/", new Request("s3:PutObject", bucket + "/state/terraform.tfstate"));
                refused.put("the state bucket", new Request("s3:GetObject", "arn:aws:s3:::monet-tfstate-" + ACCOUNT + "/monet/terraform.tfstate"));
                refused.put("another instance", new Request("ssm:SendCommand", instance).with("ssm:resourceTag/Name", "billing"));
                refused.put("another document", new Request("ssm:SendCommand", "arn:aws:ssm:us-east-1::document/AWS-RunPowerShellScript"));
                refused.put("the app's secrets", new Request("ssm:GetParameter", "arn:aws:ssm:us-east-1:" + ACCOUNT + ":parameter/monet/app/DATABASE_URL"));
                refused.put("new keys", new Request("iam:CreateAccessKey", "arn:aws:iam::" + ACCOUNT + ":user/monet-github-actions"));
                refused.forEach((what, request) -> assertThat(IamEvaluator.decide(release, request)).as(what).isNotEqualTo(Decision.ALLOWED));
            }
        }
    }

    @Test
    @Order(29)
    void onlyTheRepositorysTagPushesAssumeTheReleaseRole() {
        org.junit.jupiter.api.Assumptions.assumeTrue(outputs != null, "needs the apply");
        try (IamClient iam = client(IamClient.builder()); KmsClient kms = client(KmsClient.builder())) {
            JsonNode trust = new AccountPolicies(iam, kms).trustOf("monet-github-release");
            String provider = iam.listOpenIDConnectProviders().openIDConnectProviderList().get(0).arn();
            assertThat(provider).endsWith(":oidc-provider/token.actions.githubusercontent.com");
            assertThat(output("github_actions_role_arn")).isEqualTo("arn:aws:iam::" + ACCOUNT + ":role/monet-github-release");
            Request tagRun = new Request(provider, "sts:AssumeRoleWithWebIdentity", output("github_actions_role_arn"), Map.of(
                    "token.actions.githubusercontent.com:aud", "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub", "repo:dmfenton/CodeMonet:ref:refs/tags/v1.4.0"));
            assertThat(IamEvaluator.decide(List.of(trust), tagRun)).isEqualTo(Decision.ALLOWED);
            Map<String, Request> refused = new java.util.LinkedHashMap<>();
            refused.put("a branch", tagRun.with("token.actions.githubusercontent.com:sub", "repo:dmfenton/CodeMonet:ref:refs/heads/main"));
            refused.put("a pull request", tagRun.with("token.actions.githubusercontent.com:sub", "repo:dmfenton/CodeMonet:pull_request"));
            refused.put("another repository", tagRun.with("token.actions.githubusercontent.com:sub", "repo:someone/CodeMonet:ref:refs/tags/v1.4.0"));
            refused.put("a fork's name", tagRun.with("token.actions.githubusercontent.com:sub", "repo:dmfenton/CodeMonet-fork:ref:refs/tags/v1.4.0"));
            refused.put("another audience", tagRun.with("token.actions.githubusercontent.com:aud", "https://github.com/dmfenton"));
            refused.put("another tag", tagRun.with("token.actions.githubusercontent.com:sub", "repo:dmfenton/CodeMonet:ref:refs/tags/nightly"));
            refused.put("another identity provider", new Request("arn:aws:iam::" + ACCOUNT + ":oidc-provider/gitlab.com", tagRun.action(),
                    tagRun.resource(), tagRun.context()));
            refused.forEach((what, request) -> assertThat(IamEvaluator.decide(List.of(trust), request)).as(what).isNotEqualTo(Decision.ALLOWED));
        }
    }

    @Test
    @Order(29)
    void theSiteIsWatchedFromOutsideAndWhatOperatorsRanIsKept() {
        org.junit.jupiter.api.Assumptions.assumeTrue(outputs != null, "needs the apply");
        try (Route53Client route53 = client(Route53Client.builder()); CloudWatchLogsClient logs = client(CloudWatchLogsClient.builder());
                SsmClient ssm = client(SsmClient.builder())) {
            Map<String, String> checks = new java.util.TreeMap<>();
            route53.listHealthChecks().healthChecks().forEach(c -> checks.put(c.healthCheckConfig().resourcePath(), c.id()));
            assertThat(checks).containsOnlyKeys("/api/version", "/ssr-health");
            route53.listHealthChecks().healthChecks().forEach(c -> {
                assertThat(c.healthCheckConfig().fullyQualifiedDomainName()).isEqualTo("monet.dmfenton.net");
                assertThat(c.healthCheckConfig().typeAsString()).isEqualTo("HTTPS");
            });
            // The SDK's CloudWatch client speaks a protocol moto does not serve; the aws CLI's query protocol it does.
            Cmd describe = Cmd.of("aws", "cloudwatch", "describe-alarms", "--alarm-name-prefix", "monet-", "--output", "json").env(motoEnv);
            List<JsonNode> alarms = new ArrayList<>();
            InfraPolicy.parse(describe.run().stdout()).path("MetricAlarms").forEach(alarms::add);
            assertThat(alarms).filteredOn(a -> a.path("Namespace").asText().equals("AWS/Route53")).hasSize(2).allSatisfy(a -> {
                assertThat(checks).containsValue(a.at("/Dimensions/0/Value").asText());
                assertThat(a.path("AlarmActions").toString()).isEqualTo("[\"" + output("alerts_topic_arn") + "\"]");
                assertThat(a.path("TreatMissingData").asText()).isEqualTo("breaching");
            });
            assertThat(alarms).filteredOn(a -> a.path("Namespace").asText().equals("CWAgent")).hasSize(3)
                    .allSatisfy(a -> assertThat(a.path("TreatMissingData").asText()).as(a.path("AlarmName").asText()).isEqualTo("breaching"));

            var groups = logs.describeLogGroups(r -> r.logGroupNamePrefix("/monet/")).logGroups();
            assertThat(groups).extracting(g -> g.logGroupName() + " " + g.retentionInDays()).containsExactlyInAnyOrder("/monet/app 30", "/monet/ssm 365");
            assertThat(output("ssm_log_group")).isEqualTo("/monet/ssm");
            JsonNode preferences = InfraPolicy.parse(ssm.getDocument(r -> r.name("SSM-SessionManagerRunShell")).content());
            assertThat(preferences.at("/inputs/cloudWatchLogGroupName").asText()).isEqualTo("/monet/ssm");
            assertThat(preferences.at("/inputs/cloudWatchStreamingEnabled").asBoolean()).isTrue();
        }
    }

    @Test
    @Order(30)
    void destroyRemovesEverything() {
        org.junit.jupiter.api.Assumptions.assumeTrue(outputs != null, "needs the apply");
        tf.run(args(List.of("destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false", "-parallelism=30"), SSH_CIDR, APPLY_VARS));
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
        motoEnv = Map.copyOf(env);
        tf.env(env);
        // What exists before Terraform: the domain's hosted zone with its apex TXT records (an
        // SPF record among them), and the operator's key pair.
        Cmd prerequisites = Cmd.of(Tools.require("python3").toString(), "-c", """
                import boto3, json, sys
                route53 = boto3.client("route53")
                zone = route53.create_hosted_zone(Name="dmfenton.net", CallerReference="monet-test")["HostedZone"]["Id"]
                values = [{"Value": json.dumps(value)} for value in json.loads(sys.argv[1])]
                route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "CREATE",
                    "ResourceRecordSet": {"Name": "dmfenton.net", "Type": "TXT", "TTL": 300, "ResourceRecords": values}}]})
                boto3.client("ec2").create_key_pair(KeyName="drawing-agent")
                """, InfraPolicy.json(ZONE_APEX_TXT)).env(env);
        prerequisites.run();
        tf.write("moto_override.tf", motoProviders(moto.endpoint()));
        // The real backend is S3 (StateBucketTest runs it on moto); this test keeps its state in the copy.
        tf.write("backend_override.tf", "terraform {\n  backend \"local\" {}\n}\n");
        tf.run("init", "-input=false", "-reconfigure");
    }

    /** An override file pointing both AWS providers (the default one and us_east_1) at moto. */
    static String motoProviders(String endpoint) {
        StringBuilder endpoints = new StringBuilder();
        for (String service : List.of("cloudwatch", "dlm", "ec2", "ecr", "iam", "kms", "logs", "route53", "s3", "ses", "sns", "ssm", "sts")) {
            endpoints.append("    ").append(service).append(" = \"").append(endpoint).append("\"\n");
        }
        StringBuilder providers = new StringBuilder();
        for (String alias : List.of("", "  alias = \"us_east_1\"\n")) {
            providers.append("""
                    provider "aws" {
                    %s  skip_credentials_validation = true
                      skip_requesting_account_id  = true
                      skip_metadata_api_check     = true
                      s3_use_path_style           = true
                      endpoints {
                    %s  }
                    }
                    """.formatted(alias, endpoints));
        }
        return providers.toString();
    }

    private static JsonNode plan(TerraformDir tf, String file, String sshCidr, String... vars) {
        tf.run(args(List.of("plan", "-input=false", "-no-color", "-out=" + file), sshCidr, vars));
        return InfraPolicy.parse(tf.run("show", "-json", file).stdout());
    }

    /** COMMAND with the variables every run here uses, the SSH CIDR and VARS. */
    private static String[] args(List<String> command, String sshCidr, String... vars) {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(List.of("-var", "ssh_key_name=drawing-agent", "-var", "alert_email=ops@example.com", "-var", "ssh_cidr=" + sshCidr));
        argv.addAll(List.of(vars));
        return argv.toArray(String[]::new);
    }

    /**
     * Whether KMS lets the request through: neither IAM nor the key policy denies it, and the key
     * policy allows the caller by name, or allows the account (which then needs IAM's allow too).
     */
    private static boolean canUseKey(List<JsonNode> identityPolicies, JsonNode keyPolicy, Request request) {
        Decision iam = IamEvaluator.decide(identityPolicies, request);
        Decision byName = IamEvaluator.decide(List.of(keyPolicy), request);
        Decision byAccount = IamEvaluator.decide(List.of(keyPolicy), request.by("arn:aws:iam::" + ACCOUNT + ":root"));
        if (iam == Decision.EXPLICITLY_DENIED || byName == Decision.EXPLICITLY_DENIED) {
            return false;
        }
        return byName.allowed() || (byAccount.allowed() && iam.allowed());
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
        policyOf(plan, address, "policy", policy -> ((ArrayNode) policy.path("Statement")).add(InfraPolicy.parse(statement)));
    }

    private static void trust(JsonNode plan, String address, Consumer<JsonNode> change) {
        policyOf(plan, address, "assume_role_policy", change);
    }

    /** Changes the JSON policy document held in a resource's attribute. */
    private static void policyOf(JsonNode plan, String address, String attribute, Consumer<JsonNode> change) {
        ObjectNode values = (ObjectNode) resource(plan, address).path("values");
        JsonNode policy = InfraPolicy.parse(values.path(attribute).asText());
        change.accept(policy);
        values.put(attribute, policy.toString());
    }
}

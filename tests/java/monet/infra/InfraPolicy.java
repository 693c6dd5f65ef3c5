package monet.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * The security posture of {@code infrastructure/} as rules over {@code terraform show -json} of a
 * plan: what each resource declares. {@link #violations(JsonNode)} lists every rule broken. What
 * principals can then actually do, managed policies included, is asked of the applied account
 * with {@link IamEvaluator} (InfrastructureTest).
 */
final class InfraPolicy {
    /** Actions AWS grants on no narrower resource than "*": the only ones allowed with Resource "*". */
    static final Set<String> STAR_RESOURCE_ACTIONS = Set.of(
            "ecr:GetAuthorizationToken", "cloudwatch:PutMetricData", "ec2:DescribeTags", "ec2:DescribeVolumes",
            "ec2:DescribeInstances", "ssm:GetCommandInvocation", "ssm:ListCommandInvocations", "ssm:ListCommands");
    /** Everything the release may do with the GitHub Actions user's key. */
    static final Set<String> RELEASE_ACTIONS = Set.of(
            "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
            "ecr:CompleteLayerUpload", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload",
            "ecr:PutImage", "ecr:UploadLayerPart", "s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject",
            "ssm:SendCommand", "ssm:GetCommandInvocation", "ssm:ListCommandInvocations", "ssm:ListCommands",
            "ec2:DescribeInstances");
    static final String INSTANCE_NAME = "drawing-agent";
    /** The only subject the release role's trust may name: this repository's version tags. */
    static final String RELEASE_SUBJECT = "repo:dmfenton/CodeMonet:ref:refs/tags/v*";
    private static final String GITHUB_OIDC = "token.actions.githubusercontent.com";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> violations = new ArrayList<>();
    private final JsonNode plan;

    private InfraPolicy(JsonNode plan) {
        this.plan = plan;
    }

    /** Every broken rule, one line each ("" when the plan complies). */
    static List<String> violations(JsonNode plan) {
        InfraPolicy policy = new InfraPolicy(plan);
        policy.check();
        return policy.violations;
    }

    private void check() {
        for (JsonNode r : resources()) {
            String address = r.path("address").asText();
            JsonNode v = r.path("values");
            switch (r.path("type").asText()) {
                case "aws_instance" -> {
                    require(v.at("/metadata_options/0/http_tokens").asText().equals("required"), address, "IMDSv2 must be required (http_tokens)");
                    require(v.at("/root_block_device/0/encrypted").asBoolean(false), address, "root volume must be encrypted");
                    for (JsonNode ebs : v.path("ebs_block_device")) {
                        require(ebs.path("encrypted").asBoolean(false), address, "every block device must be encrypted");
                    }
                }
                case "aws_ebs_volume" -> require(v.path("encrypted").asBoolean(false), address, "volume must be encrypted");
                case "aws_security_group" -> checkIngress(address, v.path("ingress"));
                case "aws_vpc_security_group_ingress_rule", "aws_security_group_rule" ->
                        violations.add(address + ": ingress must be inline in aws_security_group (checked there)");
                case "aws_s3_bucket" -> checkBucketIsLockedDown(r);
                case "aws_s3_bucket_acl" -> require(v.path("acl").asText("private").equals("private"), address, "bucket ACL must be private");
                case "aws_s3_bucket_policy" -> checkBucketPolicy(address, v.path("policy").asText());
                case "aws_ecr_repository" -> require(v.at("/image_scanning_configuration/0/scan_on_push").asBoolean(false), address, "ECR must scan on push");
                case "aws_iam_user_policy", "aws_iam_role_policy", "aws_iam_policy", "aws_iam_group_policy" ->
                        checkIdentityPolicy(address, v.path("policy").asText(), releasePrincipal(v));
                case "aws_iam_role" -> checkTrust(address, v.path("assume_role_policy").asText());
                case "aws_kms_key" -> checkKeyPolicy(address, v.path("policy").asText());
                case "aws_iam_user_policy_attachment", "aws_iam_group_membership", "aws_iam_user_group_membership" ->
                        violations.add(address + ": users get only their inline, reviewed policy");
                default -> { }
            }
        }
    }

    private void checkIngress(String address, JsonNode ingress) {
        String sshCidr = plan.at("/variables/ssh_cidr/value").asText("");
        boolean sshSeen = false;
        for (JsonNode rule : ingress) {
            int from = rule.path("from_port").asInt();
            int to = rule.path("to_port").asInt();
            String protocol = rule.path("protocol").asText();
            List<String> cidrs = texts(rule.path("cidr_blocks"));
            if (protocol.equals("-1") || protocol.equals("all")) {
                violations.add(address + ": no ingress rule may open every protocol");
                continue;
            }
            if (from <= 22 && 22 <= to) {
                sshSeen = true;
                require(!sshCidr.isEmpty(), address, "SSH must be closed when ssh_cidr is empty");
                require(from == 22 && to == 22 && cidrs.equals(List.of(sshCidr)) && rule.path("ipv6_cidr_blocks").isEmpty(),
                        address, "SSH only from ssh_cidr (" + sshCidr + "), found " + cidrs + " " + rule.path("ipv6_cidr_blocks"));
            } else {
                require(from == to && (from == 80 || from == 443), address, "only 80 and 443 are public, found " + from + "-" + to);
            }
        }
        if (!sshCidr.isEmpty() && !sshSeen) {
            violations.add(address + ": ssh_cidr is set but no SSH rule allows it");
        }
    }

    private void checkBucketIsLockedDown(JsonNode bucket) {
        String name = bucket.path("address").asText();
        JsonNode block = resourceReferencing("aws_s3_bucket_public_access_block", name);
        if (block == null) {
            violations.add(name + ": needs an aws_s3_bucket_public_access_block");
        } else {
            for (String flag : List.of("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")) {
                require(block.path("values").path(flag).asBoolean(false), block.path("address").asText(), flag + " must be true");
            }
        }
        JsonNode ownership = resourceReferencing("aws_s3_bucket_ownership_controls", name);
        require(ownership != null && ownership.at("/values/rule/0/object_ownership").asText().equals("BucketOwnerEnforced"),
                name, "ACLs must be disabled (ownership BucketOwnerEnforced)");
    }

    private void checkBucketPolicy(String address, String policyText) {
        for (JsonNode statement : statements(address, policyText)) {
            if (statement.path("Effect").asText().equals("Allow")) {
                JsonNode principal = statement.path("Principal");
                boolean everyone = principal.asText().equals("*") || texts(principal.path("AWS")).contains("*");
                require(!everyone, address, "bucket policy must not allow everyone");
            }
        }
    }

    /** The GitHub Actions user's policy and the OIDC release role's policy hold the release's permissions. */
    private static boolean releasePrincipal(JsonNode values) {
        return values.path("user").asText("").endsWith("-github-actions") || values.path("role").asText("").endsWith("-github-release");
    }

    private void checkIdentityPolicy(String address, String policyText, boolean release) {
        for (JsonNode s : statements(address, policyText)) {
            if (!s.path("Effect").asText().equals("Allow")) {
                continue;
            }
            String where = address + " " + s.path("Sid").asText("(no Sid)");
            require(s.path("NotAction").isMissingNode() && s.path("NotResource").isMissingNode(), where, "no NotAction/NotResource");
            List<String> actions = texts(s.path("Action"));
            List<String> resources = texts(s.path("Resource"));
            for (String action : actions) {
                require(!action.contains("*"), where, "no wildcard actions, found " + action);
            }
            if (resources.contains("*")) {
                for (String action : actions) {
                    require(STAR_RESOURCE_ACTIONS.contains(action), where, action + " must name its resources, not *");
                }
            }
            for (String action : actions) {
                if (action.equals("kms:Decrypt")) {
                    require(!s.at("/Condition/StringEquals/kms:ViaService").asText().isEmpty(), where, "kms:Decrypt only via a service (kms:ViaService)");
                }
                if (action.startsWith("ses:Send")) {
                    require(!s.at("/Condition/StringEquals/ses:FromAddress").asText().isEmpty(), where,
                            action + " only as the configured sender (ses:FromAddress)");
                }
                if (action.equals("ssm:DeleteParameter")) {
                    require(resources.stream().allMatch(r -> r.matches("arn:[^:]+:ssm:[^:]+:\\d+:parameter/[a-z]+/tmp/\\*")), where,
                            "ssm:DeleteParameter only on the short-lived /PROJECT/tmp/* parameters, found " + resources);
                }
            }
            if (release) {
                checkReleaseStatement(where, s, actions, resources);
            }
        }
    }

    /** A role that federates with GitHub trusts this repository's version tags only, and only for STS. */
    private void checkTrust(String address, String policyText) {
        for (JsonNode s : statements(address, policyText)) {
            boolean github = texts(s.at("/Principal/Federated")).stream().anyMatch(p -> p.contains(GITHUB_OIDC));
            if (!s.path("Effect").asText().equals("Allow") || !github) {
                continue;
            }
            require(s.at("/Condition/StringEquals/" + GITHUB_OIDC + ":aud").asText().equals("sts.amazonaws.com"), address,
                    "the GitHub OIDC trust must require aud sts.amazonaws.com");
            List<String> subjects = new ArrayList<>(texts(s.at("/Condition/StringLike/" + GITHUB_OIDC + ":sub")));
            subjects.addAll(texts(s.at("/Condition/StringEquals/" + GITHUB_OIDC + ":sub")));
            require(subjects.equals(List.of(RELEASE_SUBJECT)), address,
                    "the GitHub OIDC trust must name exactly " + RELEASE_SUBJECT + " as subject, found " + subjects);
        }
    }

    /** Decryption with a customer-managed key is granted to named roles only: never to the account root or everyone. */
    private void checkKeyPolicy(String address, String policyText) {
        for (JsonNode s : statements(address, policyText)) {
            if (!s.path("Effect").asText().equals("Allow")) {
                continue;
            }
            List<String> actions = texts(s.path("Action"));
            boolean decrypts = actions.stream().anyMatch(a -> a.equals("kms:*") || a.startsWith("kms:Decrypt") || a.equals("kms:CreateGrant")
                    || a.startsWith("kms:ReEncrypt"));
            if (!decrypts) {
                continue;
            }
            List<String> principals = texts(s.at("/Principal/AWS"));
            require(s.path("Principal").isObject() && principals.stream().allMatch(p -> p.matches("arn:[^:]+:iam::\\d+:role/.+")), address,
                    "kms:Decrypt (or a grant, or re-encryption) only for named roles, found " + s.path("Principal"));
            require(!s.at("/Condition/StringEquals/kms:ViaService").asText().isEmpty(), address, "kms:Decrypt only via a service (kms:ViaService)");
        }
    }

    private void checkReleaseStatement(String where, JsonNode s, List<String> actions, List<String> resources) {
        for (String action : actions) {
            require(RELEASE_ACTIONS.contains(action), where, action + " is not something the release needs");
        }
        for (String resource : resources) {
            if (resource.equals("*")) {
                continue;
            }
            String service = resource.split(":", 6).length > 2 ? resource.split(":", 6)[2] : "";
            switch (service) {
                case "ecr" -> require(resource.endsWith(":repository/drawing-agent") || resource.endsWith(":repository/web-ssr"), where,
                        "ECR access only to the two repositories, found " + resource);
                case "s3" -> require(resource.matches("arn:[^:]+:s3:::[a-z0-9.-]+(/(web|config)/\\*)?"), where,
                        "S3 access only to the deploy bucket's web/ and config/, found " + resource);
                case "ssm" -> require(resource.matches("arn:[^:]+:ssm:[^:]+::document/AWS-RunShellScript"), where,
                        "SSM documents: AWS-RunShellScript only, found " + resource);
                case "ec2" -> require(s.at("/Condition/StringEquals/ssm:resourceTag~1Name").asText().equals(INSTANCE_NAME), where,
                        "commands only to the instance tagged Name=" + INSTANCE_NAME);
                default -> violations.add(where + ": unexpected resource " + resource);
            }
        }
    }

    private List<JsonNode> statements(String address, String policyText) {
        JsonNode statement;
        try {
            statement = JSON.readTree(policyText).path("Statement");
        } catch (IOException e) {
            statement = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        if (!statement.isArray() && !statement.isObject()) {
            // A policy that is unknown at plan time (it references a value known only after apply) cannot be checked.
            violations.add(address + ": policy is unknown or not JSON at plan time: spell out what it references");
            return List.of();
        }
        return statement.isArray() ? StreamSupport.stream(statement.spliterator(), false).toList() : List.of(statement);
    }

    private JsonNode resourceReferencing(String type, String bucketAddress) {
        for (JsonNode config : plan.at("/configuration/root_module/resources")) {
            if (config.path("type").asText().equals(type) && texts(config.at("/expressions/bucket/references")).contains(bucketAddress)) {
                for (JsonNode r : resources()) {
                    if (r.path("type").asText().equals(type) && r.path("name").asText().equals(config.path("name").asText())) {
                        return r;
                    }
                }
            }
        }
        return null;
    }

    private Iterable<JsonNode> resources() {
        return plan.at("/planned_values/root_module/resources");
    }

    private void require(boolean ok, String where, String rule) {
        if (!ok) {
            violations.add(where + ": " + rule);
        }
    }

    private static List<String> texts(JsonNode node) {
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** VALUE as JSON text. */
    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

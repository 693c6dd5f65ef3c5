package monet.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The policy documents an applied account holds, read back from it (moto here): everything that
 * decides what a role or user may do, so that {@link IamEvaluator} answers for the account as it
 * is, not for what the Terraform meant.
 */
final class AccountPolicies {
    private final IamClient iam;
    private final KmsClient kms;

    AccountPolicies(IamClient iam, KmsClient kms) {
        this.iam = iam;
        this.kms = kms;
    }

    /** The role's identity policies: every inline policy and every attached managed policy's default version. */
    List<JsonNode> ofRole(String role) {
        List<JsonNode> policies = new ArrayList<>();
        for (String name : iam.listRolePolicies(r -> r.roleName(role)).policyNames()) {
            policies.add(document(iam.getRolePolicy(r -> r.roleName(role).policyName(name)).policyDocument()));
        }
        for (AttachedPolicy attached : iam.listAttachedRolePolicies(r -> r.roleName(role)).attachedPolicies()) {
            policies.add(managed(attached.policyArn()));
        }
        return policies;
    }

    /** The user's identity policies, inline and attached (group membership is not used here). */
    List<JsonNode> ofUser(String user) {
        List<JsonNode> policies = new ArrayList<>();
        for (String name : iam.listUserPolicies(r -> r.userName(user)).policyNames()) {
            policies.add(document(iam.getUserPolicy(r -> r.userName(user).policyName(name)).policyDocument()));
        }
        for (AttachedPolicy attached : iam.listAttachedUserPolicies(r -> r.userName(user)).attachedPolicies()) {
            policies.add(managed(attached.policyArn()));
        }
        return policies;
    }

    /** Who may assume the role. */
    JsonNode trustOf(String role) {
        return document(iam.getRole(r -> r.roleName(role)).role().assumeRolePolicyDocument());
    }

    /** The key policy of the key (an id, ARN or alias/NAME). */
    JsonNode keyPolicy(String key) {
        String id = kms.describeKey(r -> r.keyId(key)).keyMetadata().keyId();
        return document(kms.getKeyPolicy(r -> r.keyId(id).policyName("default")).policy());
    }

    /** The ARN of the key (an id or alias/NAME). */
    String keyArn(String key) {
        return kms.describeKey(r -> r.keyId(key)).keyMetadata().arn();
    }

    private JsonNode managed(String arn) {
        Policy policy = iam.getPolicy(r -> r.policyArn(arn)).policy();
        return document(iam.getPolicyVersion(r -> r.policyArn(arn).versionId(policy.defaultVersionId())).policyVersion().document());
    }

    /** IAM hands policy documents out URL-encoded (RFC 3986), KMS as plain JSON. */
    private static JsonNode document(String text) {
        String json = text.stripLeading().startsWith("%") ? URLDecoder.decode(text, StandardCharsets.UTF_8) : text;
        return InfraPolicy.parse(json);
    }
}

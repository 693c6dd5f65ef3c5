package monet.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * IAM's policy evaluation for one account, as AWS documents it ("Policy evaluation logic"): an
 * explicit Deny in any policy wins, else an Allow in any policy allows, else the request is
 * implicitly denied. moto stores policies but does not evaluate them (SimulatePrincipalPolicy is
 * not implemented), so the tests ask their questions here, over the documents moto holds:
 * inline and attached managed policies (AWS-managed ones included), trust and key policies.
 *
 * <p>Supported: Action/NotAction, Resource/NotResource and Principal with {@code *} and {@code ?}
 * wildcards; the condition operators String(Not)Equals(IgnoreCase), String(Not)Like,
 * Arn(Not)Equals, Arn(Not)Like and Bool, each with IfExists, and Null. A condition key missing
 * from the request fails a positive operator and satisfies a negated one, as in IAM. Any other
 * operator throws: an answer this class cannot give is never guessed.
 */
final class IamEvaluator {
    /** What IAM decides. */
    enum Decision { ALLOWED, EXPLICITLY_DENIED, IMPLICITLY_DENIED;

        boolean allowed() {
            return this == ALLOWED;
        }
    }

    /**
     * One request.
     *
     * @param principal the caller's ARN (for resource-based policies), or "" for identity policies
     * @param action    e.g. ssm:GetParameter
     * @param resource  the resource ARN
     * @param context   condition keys (any case) and their values
     */
    record Request(String principal, String action, String resource, Map<String, String> context) {
        Request(String action, String resource) {
            this("", action, resource, Map.of());
        }

        Request with(String key, String value) {
            Map<String, String> more = new java.util.HashMap<>(context);
            more.put(key, value);
            return new Request(principal, action, resource, Map.copyOf(more));
        }

        Request by(String principalArn) {
            return new Request(principalArn, action, resource, context);
        }
    }

    private IamEvaluator() {}

    /** The decision of these policy documents (each a JSON policy) on the request. */
    static Decision decide(List<JsonNode> policies, Request request) {
        boolean allowed = false;
        for (JsonNode policy : policies) {
            for (JsonNode statement : statements(policy)) {
                if (!applies(statement, request)) {
                    continue;
                }
                if (statement.path("Effect").asText().equals("Deny")) {
                    return Decision.EXPLICITLY_DENIED;
                }
                allowed = true;
            }
        }
        return allowed ? Decision.ALLOWED : Decision.IMPLICITLY_DENIED;
    }

    private static List<JsonNode> statements(JsonNode policy) {
        JsonNode statement = policy.path("Statement");
        List<JsonNode> out = new ArrayList<>();
        if (statement.isArray()) {
            statement.forEach(out::add);
        } else if (statement.isObject()) {
            out.add(statement);
        }
        return out;
    }

    private static boolean applies(JsonNode s, Request r) {
        boolean action = s.has("Action") ? anyMatches(s.path("Action"), r.action(), true)
                : !anyMatches(s.path("NotAction"), r.action(), true);
        boolean resource = !s.has("Resource") && !s.has("NotResource") // trust policies name no resource
                || (s.has("Resource") ? anyMatches(s.path("Resource"), r.resource(), false)
                        : !anyMatches(s.path("NotResource"), r.resource(), false));
        return action && resource && principalMatches(s, r) && conditionsHold(s.path("Condition"), r.context());
    }

    private static boolean principalMatches(JsonNode s, Request r) {
        if (!s.has("Principal")) {
            return true; // an identity policy: its principal is the one it is attached to
        }
        JsonNode principal = s.path("Principal");
        if (principal.isTextual()) {
            return principal.asText().equals("*");
        }
        for (String type : List.of("AWS", "Federated", "Service")) {
            for (String value : texts(principal.path(type))) {
                if (value.equals("*") || value.equals(r.principal()) || sameRole(value, r.principal())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A role ARN in a policy also names that role's sessions (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION). */
    private static boolean sameRole(String policyArn, String caller) {
        String[] role = policyArn.split(":", 6);
        String[] session = caller.split(":", 6);
        return role.length == 6 && session.length == 6 && role[5].startsWith("role/") && session[2].equals("sts")
                && session[4].equals(role[4]) && session[5].startsWith("assumed-role/" + role[5].substring("role/".length()) + "/");
    }

    private static boolean conditionsHold(JsonNode condition, Map<String, String> context) {
        Map<String, String> lower = new java.util.HashMap<>();
        context.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        for (Map.Entry<String, JsonNode> operator : condition.properties()) {
            for (Map.Entry<String, JsonNode> key : operator.getValue().properties()) {
                String value = lower.get(key.getKey().toLowerCase(Locale.ROOT));
                if (!holds(operator.getKey(), value, texts(key.getValue()))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean holds(String operator, String value, List<String> expected) {
        boolean ifExists = operator.endsWith("IfExists");
        String op = ifExists ? operator.substring(0, operator.length() - "IfExists".length()) : operator;
        if (op.equals("Null")) {
            return expected.contains(String.valueOf(value == null));
        }
        boolean negated = op.contains("Not");
        if (value == null) {
            return ifExists || negated;
        }
        boolean any = switch (op.replace("Not", "")) {
            case "StringEquals", "ArnEquals", "Bool" -> expected.contains(value);
            case "StringEqualsIgnoreCase" -> expected.stream().anyMatch(value::equalsIgnoreCase);
            case "StringLike", "ArnLike" -> expected.stream().anyMatch(e -> wildcard(e, false).matcher(value).matches());
            default -> throw new IllegalArgumentException("IamEvaluator does not evaluate the condition operator " + operator);
        };
        return negated != any;
    }

    private static boolean anyMatches(JsonNode patterns, String value, boolean ignoreCase) {
        return texts(patterns).stream().anyMatch(p -> wildcard(p, ignoreCase).matcher(value).matches());
    }

    private static Pattern wildcard(String glob, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            regex.append(switch (c) {
                case '*' -> ".*";
                case '?' -> ".";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.DOTALL : Pattern.DOTALL);
    }

    private static List<String> texts(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            return List.of(node.asText());
        }
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }
}

package monet.ses;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * How an AWS SDK failure reads in a message, whether it means "this endpoint lacks the
 * operation", and, for a refusal, which IAM action was refused and where infrastructure/ grants it.
 */
final class AwsErrors {
    private static final Set<String> UNSUPPORTED_CODES = Set.of("UnknownOperationException", "InvalidAction",
            "NotImplemented", "NotImplementedException");
    private static final Set<String> DENIED_CODES = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation");
    /** IAM's words: "User: ARN is not authorized to perform: ses:GetSendQuota [on resource: ...]". */
    private static final Pattern REFUSED = Pattern.compile("not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9]+)");
    private static final Pattern CALLER = Pattern.compile("(?:User|Role): (arn:\\S+?) is not authorized");
    /** The SES actions infrastructure/ grants, and to whom. Reading SES is granted to no one there. */
    private static final Map<String, String> GRANTED = Map.of(
            "ses:SendEmail", "infrastructure/ec2.tf grants it to the server's role only (aws_iam_role_policy.instance, statement SendEmail),"
                    + " and only From the address ses_sender (variable, default noreply@DOMAIN): run it on the server, or as that sender",
            "ses:SendRawEmail", "infrastructure/ec2.tf grants it to the server's role only (aws_iam_role_policy.instance, statement SendEmail),"
                    + " and only From the address ses_sender (variable, default noreply@DOMAIN)");

    private AwsErrors() {}

    /** "CODE: message (HTTP n)" for a service error, the SDK's message otherwise; one line. */
    static String describe(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String code = code(e);
            String text = (code.isEmpty() ? "" : code + ": ") + oneLine(serviceMessage(service));
            return text.isBlank() ? "HTTP " + service.statusCode() : text + " (HTTP " + service.statusCode() + ")";
        }
        return oneLine(String.valueOf(e.getMessage()));
    }

    /** The error code of a service error ("" otherwise). */
    static String code(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return service.awsErrorDetails().errorCode() != null ? service.awsErrorDetails().errorCode() : fromBody(service, "Code");
        }
        return "";
    }

    /** The service's own message (the SDK's otherwise). */
    static String message(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null && !serviceMessage(service).isEmpty()) {
            return serviceMessage(service);
        }
        return String.valueOf(e.getMessage());
    }

    private static String serviceMessage(AwsServiceException e) {
        return e.awsErrorDetails().errorMessage() != null ? e.awsErrorDetails().errorMessage() : fromBody(e, "Message");
    }

    /**
     * An element of an XML error the SDK could not place: emulators nest the query protocol's
     * Error in an EC2-style Errors element (moto's IAM refusals), which the SDK does not read.
     */
    private static String fromBody(AwsServiceException e, String element) {
        String body = e.awsErrorDetails().rawResponse() == null ? "" : e.awsErrorDetails().rawResponse().asUtf8String();
        Matcher m = Pattern.compile("<" + element + ">([^<]*)</" + element + ">").matcher(body);
        return m.find() ? m.group(1).strip() : "";
    }

    /**
     * True when the endpoint does not implement the operation (an emulator such as moto, an
     * older SES-compatible service): HTTP 404 or 501, an unknown-operation code, a "not
     * implemented" message, or HTTP 500 with a web page instead of an AWS error document (AWS
     * answers a failure of its own with an error code; moto answers an operation it lacks so).
     */
    static boolean unsupported(SdkException e) {
        if (e instanceof AwsServiceException service) {
            if (service.statusCode() == 404 || service.statusCode() == 501 || UNSUPPORTED_CODES.contains(code(e))) {
                return true;
            }
            if (service.statusCode() == 500 && code(e).isEmpty() && answeredWithAWebPage(service)) {
                return true;
            }
        }
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return text.contains("not been implemented") || text.contains("not implemented");
    }

    private static boolean answeredWithAWebPage(AwsServiceException e) {
        if (e.awsErrorDetails() == null) {
            return false;
        }
        boolean html = e.awsErrorDetails().sdkHttpResponse() != null && e.awsErrorDetails().sdkHttpResponse()
                .firstMatchingHeader("Content-Type").map(type -> type.toLowerCase(Locale.ROOT).startsWith("text/html")).orElse(false);
        String body = e.awsErrorDetails().rawResponse() == null ? "" : e.awsErrorDetails().rawResponse().asUtf8String();
        return html || body.stripLeading().toLowerCase(Locale.ROOT).startsWith("<!doctype html");
    }

    /** True when IAM refused the call. */
    static boolean denied(SdkException e) {
        return e instanceof AwsServiceException service && (service.statusCode() == 403 && code(e).isEmpty()
                || DENIED_CODES.contains(code(e)));
    }

    /**
     * What to do about a refusal: who was refused which action (from IAM's message, else
     * {@code ses:OPERATION}), and where infrastructure/ grants that action, if it does.
     */
    static String deniedAdvice(SdkException e, String operation) {
        String message = message(e);
        Matcher refused = REFUSED.matcher(message);
        String action = refused.find() ? refused.group(1) : "ses:" + operation;
        Matcher caller = CALLER.matcher(message);
        String who = caller.find() ? caller.group(1) : "these credentials";
        String where = GRANTED.getOrDefault(action, "infrastructure/ grants no one " + action
                + ": the server's role may only send mail; ses-test status and dns read SES with an operator's credentials"
                + " (AWS_PROFILE of an identity allowed ses:Get* and ses:List*)");
        return "IAM refused " + action + " to " + who + ": " + where;
    }

    private static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}

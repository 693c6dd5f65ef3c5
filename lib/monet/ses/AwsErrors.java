package monet.ses;

import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** How an AWS SDK failure reads in a message, and whether it means "this endpoint lacks the operation". */
final class AwsErrors {
    private static final Set<String> UNSUPPORTED_CODES = Set.of("UnknownOperationException", "InvalidAction",
            "NotImplemented", "NotImplementedException");

    private AwsErrors() {}

    /** "CODE: message (HTTP n)" for a service error, the SDK's message otherwise; one line. */
    static String describe(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String code = service.awsErrorDetails().errorCode();
            String message = service.awsErrorDetails().errorMessage();
            String text = (code == null ? "" : code + ": ") + (message == null ? "" : oneLine(message));
            return text.isBlank() ? "HTTP " + service.statusCode() : text + " (HTTP " + service.statusCode() + ")";
        }
        return oneLine(String.valueOf(e.getMessage()));
    }

    /** The error code of a service error ("" otherwise). */
    static String code(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null) {
            return service.awsErrorDetails().errorCode();
        }
        return "";
    }

    /** The service's own message ("" otherwise). */
    static String message(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorMessage() != null) {
            return service.awsErrorDetails().errorMessage();
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * True when the endpoint does not implement the operation (an emulator such as moto, an
     * older SES-compatible service): HTTP 404 or 501, an unknown-operation code, or a
     * "not implemented" message.
     */
    static boolean unsupported(SdkException e) {
        if (e instanceof AwsServiceException service) {
            if (service.statusCode() == 404 || service.statusCode() == 501 || UNSUPPORTED_CODES.contains(code(e))) {
                return true;
            }
        }
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return text.contains("not been implemented") || text.contains("not implemented");
    }

    private static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}

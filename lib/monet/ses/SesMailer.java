package monet.ses;

import java.util.List;
import java.util.Locale;
import monet.MonetException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ses.SesClient;

/** Sends a {@link TestMessage} through SES v1 SendEmail and turns SES's refusals into what to do. */
final class SesMailer {
    private final SesClient ses;
    private final SesSettings settings;

    SesMailer(SesClient ses, SesSettings settings) {
        this.ses = ses;
        this.settings = settings;
    }

    /** Sends it and returns SES's message id; a refusal throws a {@link MonetException} that says which and what to do. */
    String send(TestMessage message) {
        try {
            return ses.sendEmail(r -> r.source(message.from())
                    .destination(d -> d.toAddresses(message.to()))
                    .message(m -> m.subject(c -> c.data(message.subject()).charset("UTF-8"))
                            .body(b -> b.text(c -> c.data(message.text()).charset("UTF-8"))
                                    .html(c -> c.data(message.html()).charset("UTF-8")))))
                    .messageId();
        } catch (SdkException e) {
            throw explain(e, message, settings);
        }
    }

    /**
     * The failure a user sees for an SES error: an unverified sender, an unverified recipient
     * in the sandbox, a throttle or used-up quota, paused sending, an unverified MAIL FROM;
     * anything else with SES's own words.
     */
    static MonetException explain(SdkException e, TestMessage message, SesSettings s) {
        String code = AwsErrors.code(e);
        String text = AwsErrors.message(e);
        String lower = text.toLowerCase(Locale.ROOT);
        String ses = " (SES said: " + AwsErrors.describe(e) + ")";
        if (e instanceof SdkClientException) {
            return new MonetException("cannot reach SES in " + s.region() + ": " + AwsErrors.describe(e)
                    + "; check the network, AWS credentials and region (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL)", e);
        }
        if (AwsErrors.denied(e)) {
            return new MonetException("SES refused the send: " + AwsErrors.deniedAdvice(e, "SendEmail") + ses, e);
        }
        if (lower.contains("not verified")) {
            // SES names the identities that failed: "... failed the check in region US-EAST-1: a@x, b@y"
            String named = lower.contains("failed the check") ? lower.substring(lower.lastIndexOf(':') + 1) : lower;
            List<String> identities = List.of(named.strip().split("[,\\s]+"));
            if (identities.contains(message.from().toLowerCase(Locale.ROOT)) || identities.contains(s.domain())) {
                return new MonetException("the sender " + message.from() + " is not verified in SES " + s.region()
                        + ": SES sends only from verified addresses or domains. Verify the domain " + s.domain()
                        + " (terraform apply in infrastructure/, then 'ses-test dns' and 'ses-test status'), or the address: "
                        + "aws ses verify-email-identity --email-address " + message.from() + ses, e);
            }
            return new MonetException("the recipient " + message.to() + " is not verified, and this account is in the SES "
                    + "sandbox, which delivers only to verified addresses: leave out --to to use the mailbox simulator, "
                    + "verify the address (aws ses verify-email-identity --email-address " + message.to() + "), or request "
                    + "production access (" + SesReadiness.README + ")" + ses, e);
        }
        // SES answers a used-up daily quota with the Throttling code too: tell the two apart by the words.
        if (lower.contains("daily message quota exceeded")) {
            return new MonetException("SES refused the send: the 24-hour sending quota is used up; wait for older "
                    + "messages to leave the window or ask AWS for a higher quota ('ses-test status' shows it)" + ses, e);
        }
        if ("Throttling".equals(code) || "ThrottlingException".equals(code) || "TooManyRequestsException".equals(code)
                || lower.contains("maximum sending rate exceeded") || lower.contains("rate exceeded")) {
            return new MonetException("SES throttled the send: the account's maximum send rate was exceeded; wait a "
                    + "second and send again ('ses-test status' shows the rate)" + ses, e);
        }
        if (code.startsWith("AccountSendingPaused") || lower.contains("sending paused")) {
            return new MonetException("sending is paused for this account in " + s.region() + ": see the SES console's "
                    + "Reputation metrics, then aws sesv2 put-account-sending-attributes --sending-enabled" + ses, e);
        }
        if (code.startsWith("MailFromDomainNotVerified")) {
            return new MonetException("the MAIL FROM domain " + s.mailFromDomain() + " is not verified and SES is set to "
                    + "reject mail until it is: publish its MX and SPF records ('ses-test dns')" + ses, e);
        }
        return new MonetException("SES refused the message: " + AwsErrors.describe(e), e);
    }
}

package monet.ses;

import java.util.List;

/**
 * What SES says about the sender's setup at one moment: the input of {@link SesReadiness}.
 *
 * @param domain        the domain identity's verification, or null when SES has no such identity
 * @param senderAddress the sender address's own identity, or null when it has none
 * @param dkim          the domain's Easy DKIM
 * @param mailFrom      the domain's custom MAIL FROM
 * @param account       sandbox or production, sending enabled
 * @param quota         the sending quota
 */
record SesSnapshot(Verification domain, Verification senderAddress, Dkim dkim, MailFrom mailFrom,
        Account account, Quota quota) {

    /**
     * An identity's verification.
     *
     * @param status Success, Pending, Failed, TemporaryFailure or NotStarted
     * @param token  the TXT value for {@code _amazonses.DOMAIN} ("" for addresses)
     */
    record Verification(String status, String token) {
        boolean verified() {
            return "Success".equalsIgnoreCase(status);
        }
    }

    /**
     * Easy DKIM.
     *
     * @param enabled whether SES signs with DKIM
     * @param status  Success, Pending, Failed, TemporaryFailure or NotStarted
     * @param tokens  the three tokens: CNAME {@code TOKEN._domainkey.DOMAIN} to {@code TOKEN.dkim.amazonses.com}
     */
    record Dkim(boolean enabled, String status, List<String> tokens) {
        Dkim {
            tokens = List.copyOf(tokens);
        }

        boolean verified() {
            return "Success".equalsIgnoreCase(status);
        }
    }

    /**
     * Custom MAIL FROM.
     *
     * @param domain   the MAIL FROM domain ("" when none is set)
     * @param status   Success, Pending, Failed, TemporaryFailure ("" when none is set)
     * @param behaviorOnMxFailure UseDefaultValue (fall back to amazonses.com) or RejectMessage
     */
    record MailFrom(String domain, String status, String behaviorOnMxFailure) {
        boolean configured() {
            return !domain.isEmpty();
        }

        boolean rejectsOnFailure() {
            return "RejectMessage".equalsIgnoreCase(behaviorOnMxFailure);
        }
    }

    /**
     * The account, from SES v2 GetAccount or, where the endpoint lacks it, from SES v1.
     *
     * @param source            which API answered ("sesv2 GetAccount" or "ses v1")
     * @param productionAccess  true in production, false in the sandbox, null when unknown
     * @param sendingEnabled    null when unknown
     * @param enforcementStatus HEALTHY, PROBATION or SHUTDOWN ("" when unknown)
     * @param reviewStatus      the production access request's review: PENDING, GRANTED, DENIED, FAILED ("" when none)
     * @param note              why production access is unknown ("" when known)
     * @param sendingNote       why sending is unknown ("" when known)
     */
    record Account(String source, Boolean productionAccess, Boolean sendingEnabled, String enforcementStatus,
            String reviewStatus, String note, String sendingNote) {}

    /**
     * The sending quota.
     *
     * @param max24HourSend   messages per 24 hours (-1: unlimited)
     * @param maxSendRate     messages per second
     * @param sentLast24Hours messages sent in the last 24 hours
     */
    record Quota(double max24HourSend, double maxSendRate, double sentLast24Hours) {
        /** The sandbox's quota: 200 messages a day, 1 a second. */
        boolean looksLikeSandbox() {
            return max24HourSend == 200 && maxSendRate == 1;
        }
    }
}

package monet.ses;

import java.util.List;
import java.util.Map;
import monet.MonetException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ses.model.GetIdentityMailFromDomainAttributesResponse;
import software.amazon.awssdk.services.ses.model.GetSendQuotaResponse;
import software.amazon.awssdk.services.ses.model.IdentityDkimAttributes;
import software.amazon.awssdk.services.ses.model.IdentityMailFromDomainAttributes;
import software.amazon.awssdk.services.ses.model.IdentityVerificationAttributes;
import software.amazon.awssdk.services.sesv2.model.GetAccountResponse;

/** Reads the sender's SES setup ({@link SesSnapshot}) through SES v1 and v2. */
final class SesInspector {
    private final SesClients clients;
    private final SesSettings settings;

    SesInspector(SesClients clients, SesSettings settings) {
        this.clients = clients;
        this.settings = settings;
    }

    /** Everything {@code status} shows. */
    SesSnapshot snapshot() {
        Map<String, IdentityVerificationAttributes> verification = verification();
        return new SesSnapshot(toVerification(verification.get(settings.domain())),
                toVerification(verification.get(settings.sender())), dkim(), mailFrom(), account(), quota());
    }

    /** The domain identity's verification, or null when SES has none. */
    SesSnapshot.Verification domainVerification() {
        return toVerification(verification().get(settings.domain()));
    }

    /** The domain's DKIM attributes. */
    SesSnapshot.Dkim dkim() {
        IdentityDkimAttributes a = call("GetIdentityDkimAttributes", () -> clients.v1()
                .getIdentityDkimAttributes(r -> r.identities(settings.domain())).dkimAttributes().get(settings.domain()));
        if (a == null) {
            return new SesSnapshot.Dkim(false, "NotStarted", List.of());
        }
        return new SesSnapshot.Dkim(Boolean.TRUE.equals(a.dkimEnabled()), orEmpty(a.dkimVerificationStatusAsString()),
                a.dkimTokens());
    }

    /** The domain's custom MAIL FROM. */
    SesSnapshot.MailFrom mailFrom() {
        GetIdentityMailFromDomainAttributesResponse response = call("GetIdentityMailFromDomainAttributes",
                () -> clients.v1().getIdentityMailFromDomainAttributes(r -> r.identities(settings.domain())));
        IdentityMailFromDomainAttributes a = response.mailFromDomainAttributes().get(settings.domain());
        if (a == null || a.mailFromDomain() == null || a.mailFromDomain().isBlank()) {
            return new SesSnapshot.MailFrom("", "", a == null ? "" : orEmpty(a.behaviorOnMXFailureAsString()));
        }
        return new SesSnapshot.MailFrom(SesSettings.normalize(a.mailFromDomain()),
                orEmpty(a.mailFromDomainStatusAsString()), orEmpty(a.behaviorOnMXFailureAsString()));
    }

    /**
     * Production access and sending from SES v2 GetAccount; where the endpoint does not
     * implement it, sending from SES v1 and production access unknown (v1 cannot tell).
     */
    SesSnapshot.Account account() {
        GetAccountResponse account;
        try {
            account = clients.v2().getAccount(r -> {});
        } catch (SdkException e) {
            String note = AwsErrors.unsupported(e)
                    ? "this SES endpoint does not implement SES v2 GetAccount (" + AwsErrors.describe(e) + ")"
                    : "SES v2 GetAccount failed: " + AwsErrors.describe(e);
            if (AwsErrors.denied(e)) {
                throw refused(e, "GetAccount");
            }
            Boolean sending = null;
            String sendingNote = "";
            try {
                sending = clients.v1().getAccountSendingEnabled().enabled();
            } catch (SdkException v1) {
                if (AwsErrors.denied(v1)) {
                    throw refused(v1, "GetAccountSendingEnabled");
                }
                sendingNote = AwsErrors.unsupported(v1)
                        ? "this SES endpoint implements neither SES v2 GetAccount nor SES v1 GetAccountSendingEnabled;"
                                + " it does answer GetSendQuota (the quota below)"
                        : "neither SES v2 GetAccount nor SES v1 GetAccountSendingEnabled answered (" + AwsErrors.describe(v1) + ")";
            }
            return new SesSnapshot.Account("ses v1", null, sending, "", "", note, sendingNote);
        }
        String review = account.details() == null || account.details().reviewDetails() == null ? ""
                : orEmpty(account.details().reviewDetails().statusAsString());
        return new SesSnapshot.Account("sesv2 GetAccount", account.productionAccessEnabled(), account.sendingEnabled(),
                orEmpty(account.enforcementStatus()), review, "", "");
    }

    /** The quota and what was sent in the last 24 hours (SES v1 GetSendQuota). */
    SesSnapshot.Quota quota() {
        GetSendQuotaResponse q = call("GetSendQuota", () -> clients.v1().getSendQuota());
        return new SesSnapshot.Quota(q.max24HourSend(), q.maxSendRate(), q.sentLast24Hours());
    }

    private Map<String, IdentityVerificationAttributes> verification() {
        return call("GetIdentityVerificationAttributes", () -> clients.v1()
                .getIdentityVerificationAttributes(r -> r.identities(settings.domain(), settings.sender()))
                .verificationAttributes());
    }

    private static SesSnapshot.Verification toVerification(IdentityVerificationAttributes a) {
        return a == null ? null : new SesSnapshot.Verification(orEmpty(a.verificationStatusAsString()), orEmpty(a.verificationToken()));
    }

    private <T> T call(String operation, java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            if (AwsErrors.denied(e)) {
                throw refused(e, operation);
            }
            throw new MonetException("cannot read SES in " + clients.region() + " (" + operation + "): "
                    + AwsErrors.describe(e) + "; check the AWS credentials and region (AWS_PROFILE, AWS_REGION)", e);
        }
    }

    private MonetException refused(SdkException e, String operation) {
        return new MonetException("cannot read SES in " + clients.region() + " (" + operation + "): "
                + AwsErrors.deniedAdvice(e, operation) + " (SES said: " + AwsErrors.describe(e) + ")", e);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}

package monet.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import monet.MonetException;
import monet.testing.Moto;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ses.model.SesException;

/** {@code ses-test send}: a real send through moto, and what each SES refusal turns into. */
class SesSendTest {
    static final Instant NOW = Instant.parse("2026-11-26T20:00:00Z");

    /** The messages moto holds: {@code .ses.Message} of {@code /moto-api/data.json}. */
    static JsonNode sentMessages() throws Exception {
        return new ObjectMapper().readTree(Moto.get().get("/moto-api/data.json")).path("ses").path("Message");
    }

    static JsonNode sent(String id) throws Exception {
        for (JsonNode message : sentMessages()) {
            if (message.path("id").asText().equals(id)) {
                return message;
            }
        }
        throw new AssertionError("moto holds no message " + id + ": " + sentMessages());
    }

    @Test
    void sendsTextAndHtmlToTheMailboxSimulator() throws Exception {
        try (SesClients clients = MotoSes.fresh()) {
            MotoSes.verifiedDomain(clients);
            TestMessage message = TestMessage.of(MotoSes.SETTINGS, Scenario.bounce.address(), "", "laptop", NOW);
            String id = new SesMailer(clients.v1(), MotoSes.SETTINGS).send(message);
            JsonNode sent = sent(id);
            assertThat(sent.path("source").asText()).isEqualTo("noreply@dmfenton.net");
            assertThat(sent.path("destinations").path("ToAddresses").get(0).asText()).isEqualTo("bounce@simulator.amazonses.com");
            assertThat(sent.path("subject").asText()).isEqualTo("Code Monet SES test 2026-11-26T20:00:00Z");
            // moto keeps the HTML part when there is one
            assertThat(sent.path("body").asText()).startsWith("<!doctype html>").contains("<b>dmfenton.net</b>");
        }
    }

    @Test
    void anUnverifiedSenderIsRefusedWithWhatToDo() throws Exception {
        try (SesClients clients = MotoSes.fresh()) {
            TestMessage message = TestMessage.of(MotoSes.SETTINGS, Scenario.success.address(), "hi", "laptop", NOW);
            assertThatThrownBy(() -> new SesMailer(clients.v1(), MotoSes.SETTINGS).send(message))
                    .isInstanceOf(MonetException.class)
                    .hasMessageStartingWith("the sender noreply@dmfenton.net is not verified in SES us-east-1")
                    .hasMessageContaining("aws ses verify-email-identity --email-address noreply@dmfenton.net");
            assertThat(sentMessages()).isEmpty();
        }
    }

    static SesException sesError(int status, String code, String text) {
        return (SesException) SesException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(text).serviceName("Ses").build())
                .message(text).build();
    }

    static String explain(SesException e, String to) {
        TestMessage message = TestMessage.of(MotoSes.SETTINGS, to, "hi", "laptop", NOW);
        return SesMailer.explain(e, message, MotoSes.SETTINGS).getMessage();
    }

    // Real SES's words for each refusal; moto never throttles and has no sandbox.
    @Test
    void anUnverifiedRecipientInTheSandboxSaysSo() {
        String text = "Email address is not verified. The following identities failed the check in region US-EAST-1: friend@example.org";
        assertThat(explain(sesError(400, "MessageRejected", text), "friend@example.org"))
                .startsWith("the recipient friend@example.org is not verified, and this account is in the SES sandbox")
                .contains("leave out --to", "aws ses verify-email-identity --email-address friend@example.org",
                        "request production access");
    }

    @Test
    void realSesWordsForAnUnverifiedSenderNameTheSender() {
        String text = "Email address is not verified. The following identities failed the check in region US-EAST-1: "
                + "noreply@dmfenton.net, friend@example.org";
        assertThat(explain(sesError(400, "MessageRejected", text), "friend@example.org"))
                .startsWith("the sender noreply@dmfenton.net is not verified");
    }

    @Test
    void aThrottleSaysWaitAndRetry() {
        assertThat(explain(sesError(400, "Throttling", "Maximum sending rate exceeded."), "success@simulator.amazonses.com"))
                .startsWith("SES throttled the send").contains("wait a second and send again");
        assertThat(explain(sesError(400, "Throttling", "Daily message quota exceeded."), "success@simulator.amazonses.com"))
                .contains("24-hour sending quota is used up");
    }

    @Test
    void pausedSendingAndOtherRefusals() {
        assertThat(explain(sesError(400, "AccountSendingPausedException", "Account sending paused."), "x@y.z"))
                .startsWith("sending is paused for this account");
        assertThat(explain(sesError(400, "InvalidParameterValue", "Missing final '@domain'"), "x@y.z"))
                .isEqualTo("SES refused the message: InvalidParameterValue: Missing final '@domain' (HTTP 400)");
    }

    @Test
    void theDryRunMessageHasBothPartsAndEscapesHtml() {
        TestMessage message = TestMessage.of(new SesSettings("a<b>@x.org", "x.org", "mail.x.org", "eu-west-1", false),
                "success@simulator.amazonses.com", "", "host&co", NOW);
        assertThat(message.render()).startsWith("From: a<b>@x.org\nTo: success@simulator.amazonses.com\n"
                + "Subject: Code Monet SES test 2026-11-26T20:00:00Z\n")
                .contains("--- text/plain ---\nThis is a test message", "--- text/html ---\n<!doctype html>",
                        "from host&amp;co through Amazon SES in eu-west-1", "from a&lt;b&gt;@x.org");
    }
}

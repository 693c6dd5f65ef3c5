package monet.ses;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The test message {@code ses-test send} sends: the same words as text and as HTML, saying
 * where and when it came from.
 *
 * @param from    the sender
 * @param to      the recipient
 * @param subject the subject
 * @param text    the plain text body
 * @param html    the HTML body
 */
record TestMessage(String from, String to, String subject, String text, String html) {
    /** The message for a run: {@code subject} blank means the default one. */
    static TestMessage of(SesSettings settings, String to, String subject, String host, Instant now) {
        String when = now.truncatedTo(ChronoUnit.SECONDS).toString();
        String title = subject == null || subject.isBlank() ? "Code Monet SES test " + when : subject;
        String text = "This is a test message from ses-test (monet ops toolkit).\n\n"
                + "Sent " + when + " from " + host + " through Amazon SES in " + settings.region()
                + ",\nfrom " + settings.sender() + " to " + to + ".\n\n"
                + "If you can read this, SES delivers mail for " + settings.domain() + ".\n";
        String html = "<!doctype html>\n<html><body>\n<h1>Code Monet SES test</h1>\n"
                + "<p>This is a test message from <code>ses-test</code> (monet ops toolkit).</p>\n"
                + "<p>Sent " + escape(when) + " from " + escape(host) + " through Amazon SES in " + escape(settings.region())
                + ",<br>from " + escape(settings.sender()) + " to " + escape(to) + ".</p>\n"
                + "<p>If you can read this, SES delivers mail for <b>" + escape(settings.domain()) + "</b>.</p>\n"
                + "</body></html>\n";
        return new TestMessage(settings.sender(), to, title, text, html);
    }

    /** What {@code --dry-run} prints: headers, then both parts. */
    String render() {
        return "From: " + from + "\nTo: " + to + "\nSubject: " + subject + "\n\n--- text/plain ---\n" + text
                + "\n--- text/html ---\n" + html;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

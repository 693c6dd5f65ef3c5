package monet.ses;

import java.util.Locale;
import monet.MonetException;
import monet.config.Config;
import monet.config.Keys;

/**
 * What ses-test checks: the sender, its domain identity, the custom MAIL FROM domain and the
 * SES region (which names the MAIL FROM MX host, {@code feedback-smtp.REGION.amazonses.com}).
 *
 * @param sender         the From address ({@code ses.sender}, {@code SES_SENDER_EMAIL})
 * @param domain         the domain identity ({@code ses.domain}, else the sender's domain)
 * @param mailFromDomain the custom MAIL FROM domain ({@code ses.mail-from} + "." + domain)
 * @param region         the SES region, e.g. us-east-1
 * @param requireDkim    whether DKIM that is not verified blocks ({@code ses.require-dkim}) or only warns
 */
record SesSettings(String sender, String domain, String mailFromDomain, String region, boolean requireDkim) {
    /** The settings from configuration, with the region the AWS clients use. */
    static SesSettings from(Config config, String region) {
        String sender = config.require(Keys.SES_SENDER);
        int at = sender.lastIndexOf('@');
        if (at <= 0 || at == sender.length() - 1) {
            throw MonetException.usage("ses.sender '" + sender + "' is not an email address (set SES_SENDER_EMAIL or --set ses.sender=...)");
        }
        String domain = config.get(Keys.SES_DOMAIN).isBlank() ? sender.substring(at + 1) : config.get(Keys.SES_DOMAIN);
        domain = normalize(domain);
        String sub = config.get(Keys.SES_MAIL_FROM);
        String mailFrom = sub.isEmpty() ? "" : normalize(sub.endsWith("." + domain) || sub.equals(domain) ? sub : sub + "." + domain);
        return new SesSettings(sender, domain, mailFrom, region, config.get(Keys.SES_REQUIRE_DKIM));
    }

    /** The MX host SES expects for the MAIL FROM domain in this region. */
    String feedbackHost() {
        return "feedback-smtp." + region + ".amazonses.com";
    }

    /** Lower case, without a trailing dot: how DNS names are compared here. */
    static String normalize(String name) {
        String lower = name.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}

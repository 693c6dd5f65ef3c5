package monet.ses;

import java.util.List;

/**
 * One DNS record that SES needs, compared with what DNS serves.
 *
 * @param record   what it is for ("verification", "DKIM 1/3", "SPF", "DMARC", "MAIL FROM MX", ...)
 * @param type     TXT, CNAME or MX
 * @param name     the DNS name
 * @param status   ok, missing, wrong, unknown (SES did not say what to expect) or error (DNS did not answer)
 * @param expected the value SES expects
 * @param found    what DNS serves there
 * @param note     why it is wrong or unknown ("" when ok or missing)
 */
record RecordCheck(String record, String type, String name, Status status, String expected, List<String> found,
        String note) {
    /** How a record compares. */
    enum Status { OK, MISSING, WRONG, UNKNOWN, ERROR }

    RecordCheck {
        found = List.copyOf(found);
    }

    /** The status in lower case, as printed. */
    String label() {
        return status.name().toLowerCase(java.util.Locale.ROOT);
    }
}

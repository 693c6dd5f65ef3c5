package monet.ses;

/**
 * The SES mailbox simulator's addresses: they work in the sandbox, count against the quota
 * but not against reputation, and never reach a person.
 */
public enum Scenario {
    /** Delivered. */
    success,
    /** A hard bounce. */
    bounce,
    /** Delivered, then a complaint. */
    complaint,
    /** Delivered, then an out-of-the-office auto-reply. */
    ooto,
    /** A hard bounce because the address is on the account-level suppression list. */
    suppressionlist;

    /** {@code SCENARIO@simulator.amazonses.com}. */
    public String address() {
        return name() + "@simulator.amazonses.com";
    }
}

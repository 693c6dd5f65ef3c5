package monet.ses;

import java.util.List;

/**
 * What a DNS server answered for one name and type.
 *
 * @param outcome found, no such name (NXDOMAIN), no record of the type, or the lookup failed
 * @param values  the records, normalized: TXT as the joined text, CNAME as a lower-case name
 *                without the trailing dot, MX as "PRIORITY host"
 * @param error   why the lookup failed ("" otherwise)
 */
record DnsAnswer(Outcome outcome, List<String> values, String error) {
    /** How a lookup ended. */
    enum Outcome { FOUND, NO_SUCH_NAME, NO_RECORD, FAILED }

    DnsAnswer {
        values = List.copyOf(values);
    }

    static DnsAnswer found(List<String> values) {
        return values.isEmpty() ? new DnsAnswer(Outcome.NO_RECORD, values, "") : new DnsAnswer(Outcome.FOUND, values, "");
    }

    static DnsAnswer noSuchName() {
        return new DnsAnswer(Outcome.NO_SUCH_NAME, List.of(), "");
    }

    static DnsAnswer failed(String error) {
        return new DnsAnswer(Outcome.FAILED, List.of(), error);
    }

    /** True when the name or the record does not exist. */
    boolean absent() {
        return outcome == Outcome.NO_SUCH_NAME || outcome == Outcome.NO_RECORD;
    }
}

package monet.infra;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a receiver checks in an SPF record (RFC 7208): its terms' syntax, one `all` at the end, at most 10 DNS lookups. */
final class Spf {
    private static final String DOMAIN = "[A-Za-z0-9_%{}.+-]+";
    private static final Pattern MECHANISM = Pattern.compile("(?i)[-+~?]?(all|include:" + DOMAIN + "|a(:" + DOMAIN + ")?(/\\d+)?"
            + "|mx(:" + DOMAIN + ")?(/\\d+)?|ptr(:" + DOMAIN + ")?|ip4:\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?|ip6:[0-9a-f:.]+(/\\d{1,3})?"
            + "|exists:" + DOMAIN + ")");
    private static final Pattern MODIFIER = Pattern.compile("(?i)(redirect|exp)=" + DOMAIN);
    private static final Pattern LOOKUP = Pattern.compile("(?i)[-+~?]?(include:|a$|a[:/]|mx$|mx[:/]|ptr|exists:|redirect=).*");
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private Spf() {}

    /** True for an SPF record (starts with the version v=spf1). */
    static boolean isSpf(String txt) {
        return txt.toLowerCase(Locale.ROOT).matches("v=spf1(\\s.*)?");
    }

    /** Everything a receiver would reject in this record; empty when valid. */
    static List<String> problems(String record) {
        List<String> problems = new ArrayList<>();
        String[] terms = record.strip().split("\\s+");
        if (!terms[0].equalsIgnoreCase("v=spf1")) {
            problems.add("does not start with v=spf1");
        }
        Set<String> seen = new HashSet<>();
        int lookups = 0;
        for (int i = 1; i < terms.length; i++) {
            String term = terms[i];
            if (!MECHANISM.matcher(term).matches() && !MODIFIER.matcher(term).matches()) {
                problems.add("not an SPF term: " + term);
            }
            if (!seen.add(term.toLowerCase(Locale.ROOT))) {
                problems.add("repeated: " + term);
            }
            if (term.toLowerCase(Locale.ROOT).matches("[-+~?]?all") && i != terms.length - 1) {
                problems.add("terms after " + term + " are never evaluated");
            }
            if (LOOKUP.matcher(term).matches()) {
                lookups++;
            }
        }
        if (lookups > 10) {
            problems.add(lookups + " DNS lookups (at most 10)");
        }
        return problems;
    }

    /** A Route 53 TXT value ("a" or "a" "b", quoted and escaped) as the text it stands for. */
    static String unquote(String value) {
        StringBuilder text = new StringBuilder();
        Matcher part = QUOTED.matcher(value);
        while (part.find()) {
            text.append(part.group(1).replaceAll("\\\\(.)", "$1"));
        }
        return text.toString();
    }
}

package monet.ses;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.CommunicationException;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.OperationNotSupportedException;
import javax.naming.ServiceUnavailableException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import monet.MonetException;

/**
 * DNS through the JDK's own JNDI DNS provider: no extra dependency, a server of our choice
 * (tests use a local dnsmasq), no caching between lookups (so a fixed record shows at once).
 */
final class JndiDnsResolver implements DnsResolver {
    private static final Pattern SERVER = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+)(?::(\\d{1,5}))?");
    private final String server;
    /** Set once the server failed to answer: the remaining lookups fail at once instead of each waiting ~7 s. */
    private String unreachable;

    /** A resolver that asks {@code server} ("HOST", "HOST:PORT", "[IPv6]:PORT"), or the system's resolvers when blank. */
    JndiDnsResolver(String server) {
        String s = server == null ? "" : server.strip();
        if (!s.isEmpty()) {
            Matcher m = SERVER.matcher(s);
            if (!m.matches() || (m.group(2) != null && Integer.parseInt(m.group(2)) > 65535)) {
                throw MonetException.usage("DNS server '" + server + "' is not HOST[:PORT] (e.g. 127.0.0.1:5353)");
            }
        }
        this.server = s;
    }

    @Override
    public String describe() {
        return server.isEmpty() ? "the system's resolvers" : server;
    }

    @Override
    public DnsAnswer lookup(String name, String type) {
        if (unreachable != null) {
            return DnsAnswer.failed(unreachable);
        }
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        env.put(Context.PROVIDER_URL, server.isEmpty() ? "dns:" : "dns://" + server);
        env.put("com.sun.jndi.dns.timeout.initial", "1000");
        env.put("com.sun.jndi.dns.timeout.retries", "2");
        DirContext context = null;
        try {
            context = new InitialDirContext(env);
            Attributes attributes = context.getAttributes(name, new String[] {type});
            Attribute attribute = attributes.get(type);
            List<String> values = new ArrayList<>();
            if (attribute != null) {
                NamingEnumeration<?> all = attribute.getAll();
                while (all.hasMore()) {
                    values.add(normalize(type, String.valueOf(all.next())));
                }
            }
            return DnsAnswer.found(values);
        } catch (NameNotFoundException e) {
            return DnsAnswer.noSuchName();
        } catch (CommunicationException e) {
            unreachable = "no answer from " + describe() + " (" + e.getMessage() + ")";
            return DnsAnswer.failed(unreachable);
        } catch (OperationNotSupportedException e) {
            return DnsAnswer.failed(describe() + " refused the query (" + e.getMessage() + ")");
        } catch (ServiceUnavailableException e) {
            return DnsAnswer.failed(describe() + " failed to answer (SERVFAIL: " + e.getMessage() + ")");
        } catch (NamingException e) {
            return DnsAnswer.failed("lookup failed: " + e);
        } finally {
            if (context != null) {
                try {
                    context.close();
                } catch (NamingException ignored) {
                    // nothing to release
                }
            }
        }
    }

    private static String normalize(String type, String value) {
        switch (type.toUpperCase(Locale.ROOT)) {
            case "TXT":
                return txt(value);
            case "CNAME":
                return SesSettings.normalize(value);
            case "MX": {
                String[] parts = value.strip().split("\\s+", 2);
                return parts.length == 2 ? parts[0] + " " + SesSettings.normalize(parts[1]) : SesSettings.normalize(value);
            }
            default:
                return value;
        }
    }

    /**
     * One TXT record's text. JNDI renders a record's character-strings separated by spaces,
     * quoting (and backslash-escaping) those that hold a space, a quote or a backslash; a long
     * record is split into several strings that mean their concatenation (RFC 7208 3.3).
     */
    static String txt(String rendered) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        int n = rendered.length();
        while (i < n) {
            if (rendered.charAt(i) == ' ') {
                i++;
            } else if (rendered.charAt(i) == '"') {
                i++;
                while (i < n && rendered.charAt(i) != '"') {
                    if (rendered.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    text.append(rendered.charAt(i++));
                }
                i++;
            } else {
                while (i < n && rendered.charAt(i) != ' ') {
                    text.append(rendered.charAt(i++));
                }
            }
        }
        return text.toString();
    }
}

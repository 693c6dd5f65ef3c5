package monet.ses;

/** Looks up DNS records (TXT, CNAME, MX) of one name at a time. */
interface DnsResolver {
    /** The records of {@code type} at {@code name}; never throws for DNS failures (see {@link DnsAnswer#outcome()}). */
    DnsAnswer lookup(String name, String type);

    /** Which server answers: "HOST:PORT", or "the system's resolvers". */
    String describe();
}

package monet.ses;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import monet.testing.Moto;
import monet.testing.Tools;

/**
 * A real DNS server for tests: dnsmasq in the foreground on a loopback port, authoritative for
 * one domain (unknown names there answer NXDOMAIN, as a real zone does) and serving only the
 * records a test gives it.
 *
 * <pre>{@code
 * try (LocalDns dns = LocalDns.forDomain("dmfenton.net").txt("_amazonses.dmfenton.net", "token").start()) {
 *     new JndiDnsResolver(dns.server())...
 * }
 * }</pre>
 */
final class LocalDns implements AutoCloseable {
    private final List<String> records = new ArrayList<>();
    private final String domain;
    private Process process;
    private int port;

    private LocalDns(String domain) {
        this.domain = domain;
    }

    /** A server that is authoritative for {@code domain}. */
    static LocalDns forDomain(String domain) {
        return new LocalDns(domain);
    }

    /** A TXT record; several strings (no commas) make one record of several character-strings. Returns this. */
    LocalDns txt(String name, String... strings) {
        records.add("--txt-record=" + name + "," + String.join(",", strings));
        return this;
    }

    /** A CNAME record. Returns this. */
    LocalDns cname(String name, String target) {
        records.add("--cname=" + name + "," + target);
        return this;
    }

    /** An MX record. Returns this. */
    LocalDns mx(String name, String host, int priority) {
        records.add("--mx-host=" + name + "," + host + "," + priority);
        return this;
    }

    /** Starts dnsmasq (retrying on another port if the chosen one was taken). Returns this. */
    LocalDns start() throws IOException, InterruptedException {
        Path program = Tools.require("dnsmasq");
        Path dir = Files.createTempDirectory("dnsmasq");
        for (int attempt = 1; ; attempt++) {
            port = Moto.freePort();
            Path log = dir.resolve("dnsmasq-" + attempt + ".log");
            List<String> command = new ArrayList<>(List.of(program.toString(), "--no-daemon", "--conf-file=/dev/null",
                    "--pid-file=" + dir.resolve("dnsmasq.pid"), "--no-resolv", "--no-hosts", "--port=" + port,
                    "--listen-address=127.0.0.1", "--bind-interfaces", "--local=/" + domain + "/"));
            command.addAll(records);
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (awaitStarted(log, Duration.ofSeconds(20))) {
                return this;
            }
            process.destroyForcibly().waitFor();
            if (attempt == 3) {
                throw new IllegalStateException("dnsmasq did not start: " + Files.readString(log));
            }
        }
    }

    /** "127.0.0.1:PORT", for {@code --resolver}. */
    String server() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }

    private boolean awaitStarted(Path log, Duration limit) throws IOException, InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (!process.isAlive()) {
                return false;
            }
            if (text.contains("started, version")) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}

package monet.release;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production site as the release sees it, on loopback: {@code /api/version} answers with the
 * version the sandbox host's containers run (the docker stand-in's state), and
 * {@code /ssr-health} says healthy unless that version is the one marked broken.
 */
final class FakeSite implements AutoCloseable {
    private final HttpServer server;
    private final Path running;
    private volatile String broken = "";
    final AtomicInteger requests = new AtomicInteger();

    FakeSite(Path dockerState) {
        this.running = dockerState.resolve("running");
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/version", exchange -> {
            requests.incrementAndGet();
            String version = current();
            reply(exchange, version.isEmpty() ? 502 : 200,
                    version.isEmpty() ? "<html>502 Bad Gateway</html>" : "{\"version\": \"" + version + "\"}");
        });
        server.createContext("/ssr-health", exchange -> {
            requests.incrementAndGet();
            String version = current();
            boolean healthy = !version.isEmpty() && !version.equals(broken);
            reply(exchange, healthy ? 200 : 503, healthy ? "{\"status\":\"healthy\"}" : "{\"status\":\"unhealthy\"}");
        });
        server.start();
    }

    /** Makes this version's SSR unhealthy. */
    void breakVersion(String version) {
        this.broken = version;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private String current() {
        try {
            return Files.isRegularFile(running) ? Files.readString(running).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

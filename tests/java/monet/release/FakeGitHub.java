package monet.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * GitHub's releases API as far as the release uses it, on loopback: GET .../releases/tags/TAG,
 * POST .../releases (422 when the tag already has one, as GitHub answers), PATCH .../releases/ID,
 * with make_latest as GitHub documents it (a new full release is the latest unless "false");
 * 401 without the right bearer token; 404 for another repository.
 */
final class FakeGitHub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final String repository;
    private final String token;
    private final AtomicLong ids = new AtomicLong(100);
    final Map<String, ObjectNode> releases = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** The tag of the latest release: a new full release becomes it unless make_latest is "false"; make_latest "true" moves it. */
    volatile String latest;

    FakeGitHub(String repository, String token) {
        this.repository = repository;
        this.token = token;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        calls.add(method + " " + path);
        if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            reply(exchange, 401, "{\"message\":\"Bad credentials\"}");
            return;
        }
        String base = "/repos/" + repository + "/releases";
        if (!path.startsWith(base)) {
            reply(exchange, 404, "{\"message\":\"Not Found\"}");
            return;
        }
        String rest = path.substring(base.length());
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (method.equals("GET") && rest.startsWith("/tags/")) {
            ObjectNode release = releases.get(rest.substring("/tags/".length()));
            reply(exchange, release == null ? 404 : 200, release == null ? "{\"message\":\"Not Found\"}" : release.toString());
        } else if (method.equals("POST") && rest.isEmpty()) {
            JsonNode in = JSON.readTree(body);
            String tag = in.path("tag_name").asText();
            if (releases.containsKey(tag)) {
                reply(exchange, 422, "{\"message\":\"Validation Failed\",\"errors\":[{\"code\":\"already_exists\"}]}");
                return;
            }
            ObjectNode release = ((ObjectNode) in).put("id", ids.incrementAndGet())
                    .put("html_url", "https://github.com/" + repository + "/releases/tag/" + tag);
            String makeLatest = release.path("make_latest").asText("true");
            release.remove("make_latest");
            releases.put(tag, release);
            if (!makeLatest.equals("false") && full(release)) {
                latest = tag;
            }
            reply(exchange, 201, release.toString());
        } else if (method.equals("PATCH") && rest.matches("/\\d+")) {
            long id = Long.parseLong(rest.substring(1));
            ObjectNode release = releases.values().stream().filter(r -> r.path("id").asLong() == id).findFirst().orElse(null);
            if (release == null) {
                reply(exchange, 404, "{\"message\":\"Not Found\"}");
                return;
            }
            ObjectNode changes = (ObjectNode) JSON.readTree(body);
            String makeLatest = changes.path("make_latest").asText("");
            changes.remove("make_latest");
            release.setAll(changes);
            if (makeLatest.equals("true") && full(release)) {
                latest = release.path("tag_name").asText();
            }
            reply(exchange, 200, release.toString());
        } else {
            reply(exchange, 404, "{\"message\":\"Not Found\"}");
        }
    }

    /** Drafts and prereleases cannot be the latest release. */
    private static boolean full(JsonNode release) {
        return !release.path("draft").asBoolean() && !release.path("prerelease").asBoolean();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
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

package monet.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import monet.MonetException;
import monet.console.Secrets;

/**
 * A GitHub release through the REST API ({@code GITHUB_API_URL}, default api.github.com):
 * created when the tag has none, updated in place when it has one, so a rerun is harmless.
 */
final class GitHubRelease {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String api;
    private final String repository;
    private final String token;

    /**
     * A client for one repository.
     *
     * @param api        the API's base URL
     * @param repository owner/name
     * @param token      a token with contents:write (registered as a secret)
     */
    GitHubRelease(String api, String repository, String token) {
        if (!repository.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
            throw MonetException.usage("'" + repository + "' is not a GitHub owner/name");
        }
        this.api = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        this.repository = repository;
        this.token = token;
        Secrets.register(token);
    }

    /**
     * What happened.
     *
     * @param action  "created" or "updated"
     * @param url     the release's page
     */
    record Result(String action, String url) {}

    /** Creates or updates the release of {@code tag}. */
    Result publish(String tag, String name, String body, boolean prerelease) throws IOException, InterruptedException {
        ObjectNode payload = JSON.createObjectNode().put("tag_name", tag).put("name", name).put("body", body)
                .put("prerelease", prerelease).put("draft", false);
        HttpResponse<String> existing = send("GET", "/releases/tags/" + URLEncoder.encode(tag, StandardCharsets.UTF_8), null);
        if (existing.statusCode() == 200) {
            long id = JSON.readTree(existing.body()).path("id").asLong();
            HttpResponse<String> updated = send("PATCH", "/releases/" + id, payload);
            return new Result("updated", expect(updated, 200, "update the release of " + tag).path("html_url").asText());
        }
        if (existing.statusCode() != 404) {
            expect(existing, 200, "look up the release of " + tag);
        }
        HttpResponse<String> created = send("POST", "/releases", payload);
        return new Result("created", expect(created, 201, "create the release of " + tag).path("html_url").asText());
    }

    private HttpResponse<String> send(String method, String path, JsonNode payload) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + "/repos/" + repository + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("Authorization", "Bearer " + token)
                .method(method, payload == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(payload)));
        if (payload != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode expect(HttpResponse<String> response, int status, String what) throws IOException {
        if (response.statusCode() != status) {
            String message = response.body();
            try {
                message = JSON.readTree(response.body()).path("message").asText(message);
            } catch (IOException notJson) {
                // keep the raw body
            }
            throw new MonetException("GitHub refused to " + what + ": HTTP " + response.statusCode() + " " + message
                    + (response.statusCode() == 401 || response.statusCode() == 403
                    ? " (the token needs contents: write on " + "the repository)" : ""));
        }
        return JSON.readTree(response.body());
    }
}

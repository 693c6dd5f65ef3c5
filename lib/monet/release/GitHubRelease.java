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
 * created when the tag has none, updated in place when it has one, so a rerun is harmless;
 * marked latest when published (after verify), and marked as rolled back by a rollback.
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
                .put("prerelease", prerelease).put("draft", false).put("make_latest", prerelease ? "false" : "true");
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

    /** The heading a rolled-back release's notes start with. */
    static final String ROLLED_BACK = "> **Rolled back**";

    /**
     * Says on the release of {@code fromTag} that the site went back to {@code toTag}, and why (a
     * line in front of its notes), and makes the release of {@code toTag} the latest. Either
     * release may not exist (a version whose verify failed was never published): what was done
     * is returned, one phrase per release.
     */
    String rolledBack(String fromTag, String toTag, String why) throws IOException, InterruptedException {
        StringBuilder done = new StringBuilder();
        HttpResponse<String> from = send("GET", "/releases/tags/" + URLEncoder.encode(fromTag, StandardCharsets.UTF_8), null);
        if (from.statusCode() == 200) {
            JsonNode release = JSON.readTree(from.body());
            String body = release.path("body").asText("");
            String note = ROLLED_BACK + " to " + toTag + ": " + why + "\n\n";
            ObjectNode payload = JSON.createObjectNode().put("body", note + withoutNote(body));
            expect(send("PATCH", "/releases/" + release.path("id").asLong(), payload), 200, "mark the release of " + fromTag
                    + " as rolled back");
            done.append("the release of ").append(fromTag).append(" says it was rolled back");
        } else {
            expect(from, 404, "look up the release of " + fromTag);
            done.append("no release of ").append(fromTag).append(" to mark");
        }
        HttpResponse<String> to = send("GET", "/releases/tags/" + URLEncoder.encode(toTag, StandardCharsets.UTF_8), null);
        if (to.statusCode() == 200) {
            JsonNode release = JSON.readTree(to.body());
            // It serves again: an earlier rollback's note goes, and it is the latest unless a prerelease.
            ObjectNode payload = JSON.createObjectNode();
            String body = release.path("body").asText("");
            if (body.startsWith(ROLLED_BACK)) {
                payload.put("body", withoutNote(body));
            }
            boolean full = !release.path("prerelease").asBoolean() && !release.path("draft").asBoolean();
            if (full) {
                payload.put("make_latest", "true");
            }
            if (!payload.isEmpty()) {
                expect(send("PATCH", "/releases/" + release.path("id").asLong(), payload), 200, "update the release of " + toTag);
            }
            if (full) {
                done.append("; ").append(toTag).append(" is the latest release");
            }
        } else {
            expect(to, 404, "look up the release of " + toTag);
        }
        return done.toString();
    }

    /** The notes without a rollback note in front. */
    private static String withoutNote(String body) {
        int end = body.indexOf("\n\n");
        return body.startsWith(ROLLED_BACK) && end >= 0 ? body.substring(end + 2) : body;
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

package monet.release;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import monet.MonetException;
import monet.pipeline.Backoff;
import monet.pipeline.Wait;

/**
 * Checks a deployed version from outside: {@code /api/version} must report it and
 * {@code /ssr-health} must answer 200 with a body that matches {@code verify.ssr-healthy}
 * (the word {@code healthy} by default), polled with backoff until a deadline.
 */
final class Verifier {
    private static final Pattern VERSION_FIELD = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]*)\"");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final String site;
    private final Duration deadline;
    private final Backoff backoff;
    private final Pattern healthy;

    /**
     * A verifier.
     *
     * @param site     the site's base URL
     * @param deadline how long to keep polling
     * @param backoff  the delays between polls
     * @param healthy  what the body of a healthy {@code /ssr-health} answer contains (case-insensitive); "" for any
     */
    Verifier(String site, Duration deadline, Backoff backoff, String healthy) {
        this.site = site.endsWith("/") ? site.substring(0, site.length() - 1) : site;
        this.deadline = deadline;
        this.backoff = backoff;
        try {
            this.healthy = Pattern.compile(healthy, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw MonetException.usage("verify.ssr-healthy is not a regular expression: " + e.getDescription() + " in '" + healthy + "'");
        }
    }

    /** The two URLs, for messages. */
    String describe(String version) {
        return "poll " + site + "/api/version until it reports " + version + " and " + site
                + "/ssr-health until it answers 200" + (healthy.pattern().isEmpty() ? "" : " with a body matching /"
                + healthy.pattern() + "/") + " (" + backoff + ", up to " + deadline.toSeconds() + "s)";
    }

    /**
     * Waits until the site serves the version and SSR is healthy.
     *
     * @return what both endpoints answered last
     * @throws monet.pipeline.WaitTimeoutException with both last answers when the deadline passes
     */
    String await(String version) throws Exception {
        return Wait.until("the site to serve " + version + " with SSR healthy", attempt -> {
            Answer api = get("/api/version");
            Answer ssr = get("/ssr-health");
            String seen = "/api/version: " + api + "; /ssr-health: " + ssr;
            attempt.note(seen);
            boolean versionOk = api.status() == 200 && withoutV(version).equals(reportedVersion(api.body()));
            boolean ssrOk = ssr.status() == 200 && healthy.matcher(ssr.body()).find();
            return versionOk && ssrOk ? Optional.of(seen) : Optional.empty();
        }).backoff(backoff).deadline(deadline).await();
    }

    /** One look at both endpoints, for {@code status}. */
    String snapshot() throws InterruptedException {
        return "/api/version: " + get("/api/version") + "\n/ssr-health: " + get("/ssr-health");
    }

    /** The version in an {@code /api/version} answer: a JSON {@code "version"} field, or the plain text. */
    static String reportedVersion(String body) {
        Matcher m = VERSION_FIELD.matcher(body);
        return withoutV(m.find() ? m.group(1) : body.strip());
    }

    /** Tags may carry a {@code v} ({@code v1.4.2}, as IMAGE_TAG may); versions are compared without it. */
    private static String withoutV(String version) {
        return version.startsWith("v") ? version.substring(1) : version;
    }

    /**
     * One answer.
     *
     * @param status the HTTP status, 0 when there was none
     * @param body   the body, or the connection error
     */
    record Answer(int status, String body) {
        @Override
        public String toString() {
            String shown = body.strip().replaceAll("\\s+", " ");
            shown = shown.length() > 200 ? shown.substring(0, 200) + "…" : shown;
            return status == 0 ? "no answer (" + shown + ")" : status + " " + shown;
        }
    }

    private Answer get(String path) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(site + path))
                    .timeout(Duration.ofSeconds(10)).header("Cache-Control", "no-cache").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Answer(0, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}

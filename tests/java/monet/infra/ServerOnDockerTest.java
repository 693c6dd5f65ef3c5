package monet.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import monet.testing.Rehearsal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * infrastructure/server/docker-compose.prod.yml and nginx.conf on a real Docker engine
 * ({@link Rehearsal}): the rehearsal's app released by the real {@code ./jbang release}
 * (images built and pushed to the ECR registry, web and config through the bucket, deployed
 * with {@code --via local}), then looked at from outside, over HTTPS through nginx in its
 * container, as a browser would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerOnDockerTest {
    Rehearsal site;

    @BeforeAll
    void release(@TempDir Path tmp) {
        site = Rehearsal.start(tmp);
        site.env().put("ANTHROPIC_API_KEY", "rehearsal-key");
        site.releaseOk("pipeline", "--only", "e2e,build-web,sync-web,images,push-images,deploy,verify");
    }

    @AfterAll
    void stop() {
        if (site != null) {
            site.close();
        }
    }

    @Test
    @Order(1)
    void pagesAreServerRenderedWithTheirAssetsCachedForAYear() {
        for (String path : new String[] {"/", "/drawings/7?share=1"}) {
            Rehearsal.Page page = site.page(path);
            assertThat(page.html().statusCode()).as(page.toString()).isEqualTo(200);
            assertThat(page.ssrVersion()).as(page.toString()).isEqualTo(Rehearsal.FIRST);
            assertThat(page.assets()).as(page.toString()).hasSize(2);
            assertThat(page.brokenAssets()).as(page.toString()).isEmpty();
            page.assets().values().forEach(asset -> assertThat(asset.headers().allValues("cache-control"))
                    .containsExactly("public, max-age=31536000, immutable"));
        }
        assertThat(site.apiVersion()).isEqualTo(Rehearsal.FIRST);
        HttpResponse<String> health = site.get("/ssr-health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("healthy");
        assertThat(site.get("/assets/index-missing.js").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void theApiSeesTheClientsHostAndProtocolOnRequestsAndWebSockets() throws Exception {
        JsonNode headers = Rehearsal.json(site.get("/api/headers"));
        assertThat(headers.path("Host").asText()).isEqualTo("127.0.0.1");
        assertThat(headers.path("X-Forwarded-Proto").asText()).isEqualTo("https");
        assertThat(headers.path("X-Real-IP").asText()).isNotEmpty();

        LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocket socket = site.client().newWebSocketBuilder().buildAsync(URI.create(site.url("/ws").replace("https:", "wss:")),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        messages.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        JsonNode seen = new com.fasterxml.jackson.databind.ObjectMapper().readTree(messages.poll(10, TimeUnit.SECONDS));
        assertThat(seen.path("Host").asText()).isEqualTo("127.0.0.1");
        assertThat(seen.path("X-Forwarded-Proto").asText()).isEqualTo("https");
        assertThat(seen.path("X-Real-IP").asText()).isEqualTo(headers.path("X-Real-IP").asText());
        assertThat(seen.path("X-Forwarded-For").asText()).isNotEmpty();
        socket.sendText("stroke 1", true).get(5, TimeUnit.SECONDS);
        assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:stroke 1");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    }

    @Test
    @Order(3)
    void migrationsRunInTheNewImageAndTheApiWritesToTheDataVolume() {
        site.releaseOk("migrate");
        HttpResponse<String> created = site.send(HttpRequest.newBuilder(URI.create(site.url("/api/drawings")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"sunrise\"}")).timeout(Duration.ofSeconds(10)).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(site.sql("SELECT title FROM drawings")).isEqualTo("sunrise");
        assertThat(site.sql("SELECT name FROM schema_migrations")).isEqualTo("001_drawings.sql");
        assertThat(site.sql("SELECT version FROM boots")).contains(Rehearsal.FIRST);
    }

    @Test
    @Order(4)
    void withSsrStoppedPagesFallBackToTheStaticOneAndAPostIsUnavailable() {
        site.docker().docker("stop", "web-ssr").run();
        try {
            Rehearsal.Page page = site.page("/drawings/7");
            assertThat(page.html().statusCode()).as(page.toString()).isEqualTo(200);
            assertThat(page.fallback()).as(page.toString()).isTrue();
            assertThat(page.assets()).hasSize(2);
            assertThat(page.brokenAssets()).as(page.toString()).isEmpty();
            HttpResponse<String> post = site.send(HttpRequest.newBuilder(URI.create(site.url("/drawings/7")))
                    .POST(HttpRequest.BodyPublishers.ofString("title=x")).timeout(Duration.ofSeconds(10)).build());
            assertThat(post.statusCode()).isEqualTo(503);
            // 502 once Docker's DNS forgets web-ssr; 504 (within proxy_connect_timeout) while nginx
            // still has its address cached: either way fast, and never 200.
            assertThat(site.get("/ssr-health").statusCode()).isIn(502, 504);
            assertThat(site.apiVersion()).isEqualTo(Rehearsal.FIRST);
        } finally {
            site.docker().docker("start", "web-ssr").run();
        }
    }

    @Test
    @Order(5)
    void plainHttpRedirectsToHttps() {
        HttpResponse<String> redirect = site.send(HttpRequest.newBuilder(URI.create(site.httpUrl("/drawings/1?a=b")))
                .timeout(Duration.ofSeconds(10)).build());
        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(redirect.headers().firstValue("location")).hasValue("https://127.0.0.1/drawings/1?a=b");
        assertThat(site.send(HttpRequest.newBuilder(URI.create(site.httpUrl("/nginx-health"))).build()).body()).isEqualTo("ok\n");
    }
}

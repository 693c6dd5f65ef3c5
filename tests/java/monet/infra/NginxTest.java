package monet.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import monet.process.Cmd;
import monet.testing.Moto;
import monet.testing.Repo;
import monet.testing.Tls;
import monet.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real infrastructure/server/nginx.conf in a real nginx on loopback, with stand-ins for
 * drawing-agent (HTTP and WebSocket, {@link StandInApi}) and web-ssr (the JDK's HTTP server,
 * which can answer normally, answer 500, or be stopped). The file is used as it is except for
 * the explicit substitutions in {@link #render}: listen ports, the two upstream addresses,
 * the web root, the certificate folder, the ACME webroot and the SSR server's health path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxTest {
    static final String INDEX = "<!doctype html><title>Code Monet</title><div id=root></div>\n";
    /** The SSR server's own health path in this test: not the public one, to show nginx maps it. */
    static final String SSR_HEALTH = "/internal/health";
    Path dir;
    StandInApi api;
    HttpServer ssr;
    int ssrPort;
    volatile boolean ssrFails;
    int httpPort;
    int httpsPort;
    Process nginx;
    Path nginxLog;
    HttpClient client;

    @BeforeAll
    void start() throws Exception {
        Path nginxBinary = Tools.require("nginx");
        Tools.require("openssl");
        dir = Files.createTempDirectory("monet-nginx", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        // Workers run as an unprivileged user: the web root must be world-readable.
        Path web = Files.createDirectories(dir.resolve("web/assets"));
        Files.writeString(dir.resolve("web/index.html"), INDEX);
        Files.writeString(web.resolve("app.3f9a1c.js"), "console.log('monet')\n");
        Path acme = Files.createDirectories(dir.resolve("acme/.well-known/acme-challenge"));
        Files.writeString(acme.resolve("token123"), "token123.proof\n");
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Cmd.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", certs.resolve("privkey.pem").toString(),
                "-out", certs.resolve("fullchain.pem").toString()).run();
        Cmd.shell("chmod -R a+rX " + dir).run();

        api = new StandInApi();
        ssrPort = Moto.freePort();
        startSsr();
        httpPort = Moto.freePort();
        httpsPort = Moto.freePort();
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, render(Files.readString(Repo.file("infrastructure/server/nginx.conf"))));
        Cmd.of(nginxBinary.toString(), "-t", "-q", "-p", dir.toString(), "-c", conf.toString(), "-e", "stderr",
                "-g", "pid " + dir.resolve("nginx.pid") + ";").run();
        nginxLog = dir.resolve("nginx.log");
        nginx = new ProcessBuilder(nginxBinary.toString(), "-p", dir.toString(), "-c", conf.toString(), "-e", "stderr",
                "-g", "daemon off; pid " + dir.resolve("nginx.pid") + ";")
                .redirectErrorStream(true).redirectOutput(nginxLog.toFile()).start();
        awaitPort(httpsPort);

        client = HttpClient.newBuilder().sslContext(Tls.trusting(certs.resolve("fullchain.pem"))).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The production file with only the addresses of this test put in; each target must be there. */
    private String render(String production) {
        Map<String, String> substitutions = new LinkedHashMap<>();
        substitutions.put("listen 80;", "listen 127.0.0.1:" + httpPort + ";");
        substitutions.put("listen 443 ssl http2;", "listen 127.0.0.1:" + httpsPort + " ssl http2;");
        substitutions.put("drawing-agent:8000;", "127.0.0.1:" + api.port() + ";");
        substitutions.put("web-ssr:3000;", "127.0.0.1:" + ssrPort + ";");
        substitutions.put("root /srv/site/current/web;", "root " + dir.resolve("web") + ";");
        substitutions.put("/etc/nginx/certs/", dir.resolve("certs") + "/");
        substitutions.put("root /var/www/certbot;", "root " + dir.resolve("acme") + ";");
        substitutions.put("set $ssr_health_path /ssr-health;", "set $ssr_health_path " + SSR_HEALTH + ";");
        String rendered = production;
        for (Map.Entry<String, String> s : substitutions.entrySet()) {
            assertThat(rendered).as("nginx.conf must contain " + s.getKey()).contains(s.getKey());
            rendered = rendered.replace(s.getKey(), s.getValue());
        }
        return rendered;
    }

    @AfterAll
    void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.descendants().forEach(ProcessHandle::destroyForcibly);
                nginx.destroyForcibly();
            }
        }
        if (ssr != null) {
            ssr.stop(0);
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    @Order(1)
    void assetsAreStaticAndCachedForAYear() throws Exception {
        HttpResponse<String> asset = get("/assets/app.3f9a1c.js");
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.body()).isEqualTo("console.log('monet')\n");
        assertThat(asset.headers().allValues("cache-control")).containsExactly("public, max-age=31536000, immutable");
        assertThat(asset.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).contains("javascript"));
        // A missing asset is a 404 from disk, never an SSR page.
        assertThat(get("/assets/missing.js").statusCode()).isEqualTo(404);
        assertThat(api.requests).isEmpty();
    }

    @Test
    @Order(2)
    void apiGoesToDrawingAgentWithForwardingHeaders() throws Exception {
        HttpResponse<String> version = get("/api/version?x=1");
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(version.body()).startsWith("api /api/version?x=1 proto=https host=127.0.0.1 for=127.0.0.1");
    }

    @Test
    @Order(3)
    void wsIsUpgradedToAWebSocketOnDrawingAgent() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket socket = client.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + httpsPort + "/ws"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                reply.complete(data.toString());
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        socket.sendText("stroke 1", true).get(5, TimeUnit.SECONDS);
        assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("echo:stroke 1");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        assertThat(api.requests).anySatisfy(r -> {
            assertThat(r.get(":path")).isEqualTo("/ws");
            assertThat(r.get("upgrade")).isEqualToIgnoringCase("websocket");
            assertThat(r.get("connection")).containsIgnoringCase("upgrade");
            // The server's proxy headers reach the API on WebSockets too (a location's own
            // proxy_set_header would otherwise replace them all).
            assertThat(r.get("host")).isEqualTo("127.0.0.1");
            assertThat(r.get("x-real-ip")).isEqualTo("127.0.0.1");
            assertThat(r.get("x-forwarded-for")).isEqualTo("127.0.0.1");
            assertThat(r.get("x-forwarded-proto")).isEqualTo("https");
        });
    }

    @Test
    @Order(4)
    void everythingElseIsServerSideRendered() throws Exception {
        HttpResponse<String> home = get("/");
        assertThat(home.body()).isEqualTo("<html>ssr / proto=https</html>");
        HttpResponse<String> page = get("/drawings/42?share=1");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("<html>ssr /drawings/42?share=1 proto=https</html>");
        assertThat(page.headers().firstValue("strict-transport-security")).isPresent();
        // The public /ssr-health answers from the SSR server's own health path (SSR_HEALTH, set in
        // render()): passed on unchanged, it would be rendered as a page.
        HttpResponse<String> health = get("/ssr-health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("healthy");
    }

    @Test
    @Order(5)
    void ssrErrorsFallBackToTheStaticPageButHealthIsPassedThrough() throws Exception {
        ssrFails = true;
        try {
            HttpResponse<String> page = get("/drawings/42");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).isEqualTo(INDEX);
            assertThat(page.headers().firstValue("x-fallback")).hasValue("static");
            assertThat(page.headers().allValues("cache-control")).containsExactly("no-cache");
            HttpResponse<String> health = get("/ssr-health");
            assertThat(health.statusCode()).isEqualTo(500);
            assertThat(health.body()).isEqualTo("ssr exploded");
        } finally {
            ssrFails = false;
        }
    }

    @Test
    @Order(6)
    void plainHttpRedirectsToHttpsButServesHealthAndAcmeChallenges() throws Exception {
        HttpResponse<String> redirect = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/drawings/1?a=b")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(redirect.headers().firstValue("location")).hasValue("https://127.0.0.1/drawings/1?a=b");
        assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/nginx-health")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok\n");
        assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/.well-known/acme-challenge/token123")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("token123.proof\n");
    }

    @Test
    @Order(7)
    void ssrStoppedFallsBackToTheStaticPage() throws Exception {
        ssr.stop(0);
        HttpResponse<String> page = get("/drawings/42");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo(INDEX);
        assertThat(page.headers().firstValue("x-fallback")).hasValue("static");
        assertThat(get("/ssr-health").statusCode()).isEqualTo(502);
        // A form's POST has no static stand-in: the service is unavailable (not 405 from the static file).
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort + "/drawings/42"))
                .POST(HttpRequest.BodyPublishers.ofString("title=x")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(503);
        assertThat(post.headers().firstValue("retry-after")).isPresent();
        // The API is unaffected.
        assertThat(get("/api/version").body()).startsWith("api /api/version");
        // And SSR back up is used again.
        startSsr();
        assertThat(get("/drawings/42").body()).isEqualTo("<html>ssr /drawings/42 proto=https</html>");
    }

    private void startSsr() throws IOException {
        ssr = HttpServer.create(new InetSocketAddress("127.0.0.1", ssrPort), 50);
        ssr.createContext("/", exchange -> {
            String path = exchange.getRequestURI().toString();
            int status = ssrFails ? 500 : 200;
            String body = ssrFails ? "ssr exploded" : path.equals(SSR_HEALTH) ? "healthy"
                    : "<html>ssr " + path + " proto=" + exchange.getRequestHeaders().getFirst("X-Forwarded-Proto") + "</html>";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        ssr.start();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitPort(int port) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            if (!nginx.isAlive()) {
                throw new AssertionError("nginx exited: " + Files.readString(nginxLog));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nginx did not listen on " + port + ": " + Files.readString(nginxLog));
    }
}

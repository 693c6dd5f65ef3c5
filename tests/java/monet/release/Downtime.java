package monet.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import monet.testing.Rehearsal;

/**
 * What a user sees of a deploy, polled by the test every 50 ms: a page, /api/version and a
 * WebSocket held open (reopened when it drops). Counts requests and failures per endpoint and
 * the longest run of consecutive failures; {@link #report} writes them as the downtime benchmark's
 * results (bench/deploy-downtime.sh), with the deploy's own duration as the anchor.
 */
final class Downtime implements AutoCloseable {
    private final Rehearsal site;
    private final Map<String, Counts> counts = new LinkedHashMap<>();
    private WebSocket socket;
    private final AtomicInteger drops = new AtomicInteger();

    Downtime(Rehearsal site) {
        this.site = site;
        for (String endpoint : new String[] {"page", "api", "websocket"}) {
            counts.put(endpoint, new Counts());
        }
    }

    /**
     * Runs a request as a browser does: a request refused with HTTP/2's GOAWAY (nginx reloading:
     * its old workers close their connections, and the streams they did not take were never
     * processed) is sent again once, on a new connection. Java's HTTP client does not retry it.
     */
    static <T> T asBrowser(java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (UncheckedIOException e) {
            if (String.valueOf(e.getMessage()).contains("GOAWAY")) {
                return request.get();
            }
            throw e;
        }
    }

    /** A page with its assets; null (counted as failed) when nothing answered. */
    Rehearsal.Page page(String path) {
        try {
            Rehearsal.Page page = asBrowser(() -> site.page(path));
            counts.get("page").add(page.html().statusCode() == 200 && page.brokenAssets().isEmpty());
            return page;
        } catch (RuntimeException e) {
            counts.get("page").add(false);
            return null;
        }
    }

    void api() {
        try {
            counts.get("api").add(asBrowser(() -> site.get("/api/version")).statusCode() == 200);
        } catch (RuntimeException e) {
            counts.get("api").add(false);
        }
    }

    /** Sends a message on the open WebSocket, opening one first when there is none (a drop counts as failed). */
    void webSocket() {
        try {
            if (socket == null || socket.isOutputClosed() || socket.isInputClosed()) {
                socket = site.client().newWebSocketBuilder()
                        .buildAsync(URI.create(site.url("/ws").replace("https:", "wss:")), new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                                drops.incrementAndGet();
                                return null;
                            }

                            @Override
                            public void onError(WebSocket webSocket, Throwable error) {
                                drops.incrementAndGet();
                            }
                        }).get(2, TimeUnit.SECONDS);
            }
            socket.sendText("stroke", true).get(2, TimeUnit.SECONDS);
            counts.get("websocket").add(true);
        } catch (Exception e) {
            socket = null;
            counts.get("websocket").add(false);
        }
    }

    int failed(String endpoint) {
        return counts.get(endpoint).failed;
    }

    void report(Duration deploy, String file) {
        StringBuilder text = new StringBuilder("Deploy of 2.0.0 over 1.0.0 on the rehearsal host (`release pipeline --only"
                + " build-web,sync-web,images,push-images,deploy,verify`), polled every 50 ms; anchor: the whole release took "
                + String.format("%.1f s", deploy.toMillis() / 1000.0) + ".\n\n"
                + "| endpoint | requests | failed | longest run of failures | its share of the release |\n|---|---:|---:|---:|---:|\n");
        counts.forEach((name, c) -> text.append(String.format("| %s | %d | %d | %.1f s | %.3f |%n", name, c.requests, c.failed,
                c.longest / 1e9, c.longest / (double) deploy.toNanos())));
        text.append("\nWebSocket closes seen: ").append(drops.get()).append('\n');
        System.out.println(text);
        if (!file.isBlank()) {
            try {
                Files.writeString(Path.of(file), text.toString(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
    }

    /** Requests, failures and the longest run of consecutive failures (in time) of one endpoint. */
    private static final class Counts {
        int requests;
        int failed;
        long longest;
        long failingSince = -1;

        synchronized void add(boolean ok) {
            requests++;
            long now = System.nanoTime();
            if (ok) {
                // A run of failures lasts until the first success after it.
                if (failingSince >= 0) {
                    longest = Math.max(longest, now - failingSince);
                }
                failingSince = -1;
                return;
            }
            failed++;
            if (failingSince < 0) {
                failingSince = now;
            }
            longest = Math.max(longest, now - failingSince);
        }
    }
}

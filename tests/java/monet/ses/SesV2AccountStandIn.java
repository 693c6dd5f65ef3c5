package monet.ses;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * SES v2's GetAccount ({@code GET /v2/email/account}), which moto lacks, answered the way SES
 * answers it (same JSON shape) for an account in the sandbox or in production; every other
 * path is 404 like an unknown route. Point only the SES v2 client here
 * ({@code AWS_ENDPOINT_URL_SESV2}); SES v1 stays on moto.
 */
final class SesV2AccountStandIn implements AutoCloseable {
    private final HttpServer server;

    private SesV2AccountStandIn(HttpServer server) {
        this.server = server;
    }

    /** An account: {@code production} false is the sandbox; {@code review} the production access request's status ("" for none). */
    static SesV2AccountStandIn start(boolean production, String review) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String details = review.isEmpty() ? "" : ",\"Details\":{\"MailType\":\"TRANSACTIONAL\",\"WebsiteURL\":"
                + "\"https://monet.dmfenton.net\",\"ContactLanguage\":\"EN\",\"UseCaseDescription\":\"magic links\","
                + "\"AdditionalContactEmailAddresses\":[],\"ReviewDetails\":{\"Status\":\"" + review
                + "\",\"CaseId\":\"172836745100\"}}";
        String quota = production ? "{\"Max24HourSend\":50000.0,\"MaxSendRate\":14.0,\"SentLast24Hours\":3.0}"
                : "{\"Max24HourSend\":200.0,\"MaxSendRate\":1.0,\"SentLast24Hours\":0.0}";
        String body = "{\"DedicatedIpAutoWarmupEnabled\":false,\"EnforcementStatus\":\"HEALTHY\",\"ProductionAccessEnabled\":"
                + production + ",\"SendQuota\":" + quota + ",\"SendingEnabled\":true,\"SuppressionAttributes\":"
                + "{\"SuppressedReasons\":[\"BOUNCE\",\"COMPLAINT\"]}" + details + "}";
        server.createContext("/", exchange -> {
            boolean account = "GET".equals(exchange.getRequestMethod()) && "/v2/email/account".equals(exchange.getRequestURI().getPath());
            byte[] bytes = (account ? body : "{\"message\":\"Not Found\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("x-amzn-RequestId", "0b7a4d3e-1f2c-4e5a-9c7d-3b2a1f0e9d8c");
            exchange.sendResponseHeaders(account ? 200 : 404, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return new SesV2AccountStandIn(server);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

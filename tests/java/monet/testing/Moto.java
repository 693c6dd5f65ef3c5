package monet.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * A real moto server on loopback, one per test JVM, started on first use. Point the AWS SDK
 * (in-process or in a child process) at it with {@link #env()}; {@link #reset()} wipes it.
 */
public final class Moto {
    private static Moto instance;
    private final Process process;
    private final int port;

    private Moto(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The running server (started on first call). */
    public static synchronized Moto get() {
        if (instance == null) {
            instance = start(Map.of());
        }
        return instance;
    }

    /**
     * A server of its own that authorizes every request against the IAM policies it holds, as AWS
     * does, after the first {@code unauthenticatedRequests} (the test's own setup: users,
     * policies, keys). Stop it with {@link #stop()}.
     */
    public static Moto withIamAuthorization(int unauthenticatedRequests) {
        return start(Map.of("INITIAL_NO_AUTH_ACTION_COUNT", String.valueOf(unauthenticatedRequests)));
    }

    private static Moto start(Map<String, String> env) {
        Path program = Tools.require("moto_server");
        int port = freePort();
        try {
            Path log = Files.createTempFile("moto", ".log");
            ProcessBuilder builder = new ProcessBuilder(program.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // AWS managed policies (AmazonSSMManagedInstanceCore, ...) exist only when loaded: Terraform attaches them.
            builder.environment().put("MOTO_IAM_LOAD_MANAGED_POLICIES", "true");
            builder.environment().putAll(env);
            Process p = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            Moto moto = new Moto(p, port);
            moto.awaitReady(Duration.ofSeconds(60), log);
            return moto;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start moto_server: " + e.getMessage(), e);
        }
    }

    /** Stops a server from {@link #withIamAuthorization(int)}. */
    public void stop() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** http://127.0.0.1:PORT */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The environment that points the AWS SDK and CLI at this server with dummy credentials. */
    /** An SDK client of moto, with dummy credentials: {@code moto.client(SsmClient.builder())}. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        return builder.endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    public Map<String, String> env() {
        return Map.of("AWS_ENDPOINT_URL", endpoint(), "AWS_REGION", "us-east-1", "AWS_DEFAULT_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing",
                "AWS_EC2_METADATA_DISABLED", "true", "AWS_PROFILE", "", "AWS_CONFIG_FILE", "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    }

    /** Wipes every resource. */
    public void reset() {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint() + "/moto-api/reset").toURL().openConnection();
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.getOutputStream().close();
            if (connection.getResponseCode() != 200) {
                throw new IllegalStateException("moto reset answered " + connection.getResponseCode());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot reset moto: " + e.getMessage(), e);
        }
    }

    /** GET a moto API path (e.g. /moto-api/data.json) and return the body. */
    public String get(String path) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint() + path).toURL().openConnection();
            try (var in = connection.getInputStream()) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot GET " + path + " from moto: " + e.getMessage(), e);
        }
    }

    private void awaitReady(Duration limit, Path log) throws IOException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited: " + Files.readString(log));
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint() + "/moto-api/").toURL().openConnection();
                connection.setConnectTimeout(200);
                if (connection.getResponseCode() > 0) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("moto_server did not answer within " + limit + ": " + Files.readString(log));
    }

    /** A free TCP port on loopback. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

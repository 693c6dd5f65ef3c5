package monet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * An SSM endpoint for tests that really runs commands: a local HTTP server speaking the AWS
 * JSON 1.1 protocol of Systems Manager for Run Command ({@code SendCommand},
 * {@code GetCommandInvocation}, {@code ListCommandInvocations}, {@code ListCommands},
 * {@code CancelCommand}); every other action (Parameter Store) is proxied to moto when
 * {@link #proxyTo} is set. Each invocation runs its {@code AWS-RunShellScript} commands with
 * {@code /bin/sh} in a {@link HostSandbox} (the recording docker stand-in first on PATH, a real
 * SQLite database) and behaves as SSM and its agent do (amazon-ssm-agent's source, the SSM API
 * reference):
 * <ul>
 *   <li>right after SendCommand, GetCommandInvocation answers {@code InvocationDoesNotExist}
 *       for {@link #invisibleFor} (default 150 ms); then Pending for {@link #pendingFor}
 *       (default 50 ms), InProgress while the script runs, then Success / Failed (exit code);</li>
 *   <li>output only once the command has ended, cut as the agent cuts it ({@code StringPrefix}):
 *       by bytes, when it reaches 24,000 (stdout) or 8,000 (stderr) bytes, to that many bytes
 *       ending in {@value #TRUNCATED}; a character split by the cut becomes U+FFFD, as Go's JSON
 *       encoder writes it. Full output goes to S3 (moto) when OutputS3BucketName is given;</li>
 *   <li>{@code executionTimeout} is validated against AWS-RunShellScript's pattern (1..172800)
 *       and kills the script: TimedOut / ExecutionTimedOut;</li>
 *   <li>only {@link #instance registered} instances are accepted: any other id is
 *       {@code InvalidInstanceId} (stopped, not registered, no instance profile, other region);
 *       an {@link #offline} instance is accepted, its invocations go Delayed and end TimedOut /
 *       DeliveryTimedOut when the command expires (TimeoutSeconds + executionTimeout after
 *       sending), or run when it comes back {@link #online};</li>
 *   <li>{@code MaxErrors}: once more invocations failed than it allows, the ones not started
 *       end Cancelled / Terminated; {@code CancelCommand} makes a running invocation Cancelling
 *       (for {@link #cancellingFor}) and then Cancelled;</li>
 *   <li>{@link #throttle} answers ThrottlingException to the next N calls of an action (about one
 *       instance, or any); {@link #latency} makes an action slow, {@link #maxInFlight} says how
 *       many of its calls a client had in flight at once;
 *       {@link #failNext} makes the next invocation Undeliverable or cancelled by someone else
 *       while running; {@link #reportNext} ends it with any status, such as one the client does
 *       not know yet;</li>
 *   <li>Targets ({@code tag:KEY}) resolve against registered instances, at most MaxConcurrency at
 *       once; ListCommands shows each command's parameters as sent and its ExpiresAfter;</li>
 *   <li>errors have the API's shapes: {@code __type} and the modelled {@code Message} member,
 *       none for InvocationDoesNotExist and InvalidCommandId, HTTP 400 (500 for
 *       InternalServerError).</li>
 * </ul>
 *
 * <pre>{@code
 * SsmEndpoint ssm = SsmEndpoint.start(tempDir).proxyTo(Moto.get().endpoint());
 * cmd.env(ssm.env());                // AWS_ENDPOINT_URL_SSM and dummy credentials
 * ...
 * ssm.stop();
 * }</pre>
 */
public final class SsmEndpoint implements AutoCloseable {
    /** The instance every test host has unless told otherwise. */
    public static final String DEFAULT_INSTANCE = "i-0123456789abcdef0";
    /** The agent's limits (appconfig.MaxStdoutLength / MaxStderrLength), in bytes. */
    public static final int STDOUT_LIMIT = 24_000;
    public static final int STDERR_LIMIT = 8_000;
    /** What the agent's StringPrefix ends cut output with. */
    public static final String TRUNCATED = "--output truncated--";
    /** ListCommandInvocations' plugin Output (iohandler.MaximumPluginOutputSize). */
    static final int PLUGIN_OUTPUT_LIMIT = 2500;
    static final String ACCOUNT = "123456789012";
    /** AWS-RunShellScript's executionTimeout parameter: 1 to 172800 seconds. */
    private static final Pattern EXECUTION_TIMEOUT =
            Pattern.compile("([1-9][0-9]{0,4})|(1[0-6][0-9]{4})|(17[0-1][0-9]{3})|(172[0-7][0-9]{2})|(172800)");
    private static final Pattern INSTANCE_ID = Pattern.compile("(i-(\\w{8}|\\w{17}))|(mi-\\w{17})");
    private static final Pattern MAX_CONCURRENCY = Pattern.compile("([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)");
    private static final Pattern MAX_ERRORS = Pattern.compile("([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)");
    private static final Set<String> FINAL = Set.of("Success", "Failed", "TimedOut", "Cancelled");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A failure to inject into the next invocation. */
    public enum Failure { UNDELIVERABLE, CANCELLED }

    private final HostSandbox host;
    private final HttpServer server;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ssm-endpoint");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, CommandState> commands = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Map<String, String>> instances = new ConcurrentHashMap<>();
    private final Set<String> offline = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> throttled = new ConcurrentHashMap<>();
    private final Map<String, Duration> latency = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Integer> maxInFlight = new ConcurrentHashMap<>();
    private final List<ObjectNode> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<Injected> injected = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> hostEnv = new LinkedHashMap<>();
    private volatile String proxy;
    private volatile Duration invisibleFor = Duration.ofMillis(150);
    private volatile Duration pendingFor = Duration.ofMillis(50);
    private volatile Duration cancellingFor = Duration.ofMillis(200);

    /** What the next invocation does instead of running normally. */
    private record Injected(Failure failure, String status, String details) {}

    private SsmEndpoint(HostSandbox host) throws IOException {
        this.host = host;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "ssm-endpoint-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        instance(DEFAULT_INSTANCE, Map.of("Name", "drawing-agent"));
    }

    /** Starts an endpoint whose instances run in a {@link HostSandbox} in {@code sandboxDir}. */
    public static SsmEndpoint start(Path sandboxDir) {
        try {
            return new SsmEndpoint(HostSandbox.create(sandboxDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the SSM test endpoint", e);
        }
    }

    /**
     * Runs an endpoint as a process (benchmarks): {@code SsmEndpoint SANDBOX_DIR [PORT_FILE]};
     * prints (and writes to PORT_FILE) its URL and serves until killed.
     */
    public static void main(String[] args) throws Exception {
        SsmEndpoint endpoint = start(Path.of(args[0]));
        System.out.println(endpoint.endpoint());
        if (args.length > 1) {
            Files.writeString(Path.of(args[1]), endpoint.endpoint());
        }
        Thread.currentThread().join();
    }

    /** http://127.0.0.1:PORT */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public URI uri() {
        return URI.create(endpoint());
    }

    /** An SDK client of this endpoint, with dummy credentials. */
    public SsmClient client() {
        return SsmClient.builder().endpointOverride(uri()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    public HostSandbox host() {
        return host;
    }

    /**
     * The environment that points a process's AWS SDK at this endpoint for SSM (and at moto for
     * everything else when proxying), with dummy credentials.
     */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        if (proxy != null) {
            env.putAll(Moto.get().env());
        } else {
            env.putAll(Map.of("AWS_REGION", "us-east-1", "AWS_DEFAULT_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "testing",
                    "AWS_SECRET_ACCESS_KEY", "testing", "AWS_EC2_METADATA_DISABLED", "true"));
        }
        env.put("AWS_ENDPOINT_URL_SSM", endpoint());
        return env;
    }

    /** The environment for {@code ./jbang remote} against this endpoint: {@link #env()}, and where the host's app and data are. */
    public Map<String, String> scriptEnv() {
        Map<String, String> env = new LinkedHashMap<>(env());
        env.putAll(host.clientEnv());
        return env;
    }

    /** Proxies every action this endpoint does not implement (Parameter Store ...) to moto; scripts' aws CLI uses moto too. */
    public SsmEndpoint proxyTo(String motoEndpoint) {
        this.proxy = motoEndpoint;
        hostEnv.putAll(Map.of("AWS_ENDPOINT_URL", motoEndpoint, "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing",
                "AWS_DEFAULT_REGION", "us-east-1", "AWS_CONFIG_FILE", "/dev/null", "AWS_SHARED_CREDENTIALS_FILE", "/dev/null"));
        return this;
    }

    /**
     * Variables of the instances' environment, over the sandbox's: a PATH without the docker
     * stand-in makes the commands reach this machine's real Docker engine (the rehearsal host).
     */
    public SsmEndpoint hostEnv(Map<String, String> variables) {
        hostEnv.putAll(variables);
        return this;
    }

    /** Registers a managed instance, online, with tags (for Targets). Only registered ids are accepted in InstanceIds. */
    public SsmEndpoint instance(String id, Map<String, String> tags) {
        instances.put(id, Map.copyOf(tags));
        offline.remove(id);
        return this;
    }

    /**
     * The instance stays registered but its agent is not connected (network, agent stopped):
     * SendCommand accepts it, its invocations are Delayed until it comes back or the command expires.
     */
    public SsmEndpoint offline(String id) {
        offline.add(id);
        return this;
    }

    /** Its agent is connected again: Delayed invocations are delivered. */
    public SsmEndpoint online(String id) {
        offline.remove(id);
        return this;
    }

    /** SSM no longer knows the instance (stopped, terminated, deregistered): SendCommand answers InvalidInstanceId. */
    public SsmEndpoint deregister(String id) {
        instances.remove(id);
        offline.remove(id);
        return this;
    }

    /** How long a new command's invocations answer InvocationDoesNotExist. */
    public SsmEndpoint invisibleFor(Duration window) {
        this.invisibleFor = window;
        return this;
    }

    /** How long an invocation stays Pending before it is delivered. */
    public SsmEndpoint pendingFor(Duration pending) {
        this.pendingFor = pending;
        return this;
    }

    /** How long a cancelled running invocation reports Cancelling before Cancelled. */
    public SsmEndpoint cancellingFor(Duration cancelling) {
        this.cancellingFor = cancelling;
        return this;
    }

    /** The next {@code times} calls of {@code action} (e.g. "GetCommandInvocation") answer ThrottlingException. */
    public SsmEndpoint throttle(String action, int times) {
        throttled.put(action, times);
        return this;
    }

    /** The next {@code times} calls of {@code action} about one instance (its InstanceId) answer ThrottlingException. */
    public SsmEndpoint throttle(String action, String instanceId, int times) {
        throttled.put(action + "@" + instanceId, times);
        return this;
    }

    /** Each call of {@code action} takes this long to answer (the service's own latency). */
    public SsmEndpoint latency(String action, Duration delay) {
        latency.put(action, delay);
        return this;
    }

    /** The most calls of {@code action} that were being answered at the same time. */
    public int maxInFlight(String action) {
        return maxInFlight.getOrDefault(action, 0);
    }

    /** The next invocation ends with this failure. */
    public SsmEndpoint failNext(Failure failure) {
        injected.add(new Injected(failure, null, null));
        return this;
    }

    /** The next invocation runs, then reports this Status and StatusDetails (e.g. one the client does not know yet). */
    public SsmEndpoint reportNext(String status, String details) {
        injected.add(new Injected(null, status, details));
        return this;
    }

    /** Every API call received: {"action": ..., "body": ...}. */
    public List<ObjectNode> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** How many calls of an action were received. */
    public long count(String action) {
        return calls().stream().filter(c -> c.get("action").asText().equals(action)).count();
    }

    /** The scripts sent so far (the commands parameter of each SendCommand), oldest first. */
    public List<String> scripts() {
        synchronized (commands) {
            return commands.values().stream().map(c -> c.script).collect(Collectors.toList());
        }
    }

    /** The processes of invocations still running (to check that nothing outlives a cancel). */
    public List<ProcessHandle> running() {
        List<ProcessHandle> alive = new ArrayList<>();
        synchronized (commands) {
            for (CommandState command : commands.values()) {
                for (Invocation invocation : List.copyOf(command.invocations.values())) {
                    Process p = invocation.process;
                    if (p != null && p.isAlive()) {
                        alive.add(p.toHandle());
                    }
                }
            }
        }
        return alive;
    }

    public void stop() {
        server.stop(0);
        synchronized (commands) {
            commands.values().forEach(c -> c.invocations.values().forEach(Invocation::kill));
        }
        workers.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * What the agent's {@code pluginutil.StringPrefix} returns for output of these bytes: the
     * output itself under {@code limit} bytes, else its first {@code limit - 20} bytes and
     * {@value #TRUNCATED}, decoded as Go's JSON encoder does (each invalid byte a U+FFFD).
     */
    public static String agentCut(byte[] output, int limit) {
        if (output.length < limit) {
            return goString(output);
        }
        byte[] marker = TRUNCATED.getBytes(StandardCharsets.UTF_8);
        byte[] cut = Arrays.copyOf(output, limit);
        System.arraycopy(marker, 0, cut, limit - marker.length, marker.length);
        return goString(cut);
    }

    /** Bytes as a string the way Go's encoding/json writes a Go string: every byte of an invalid sequence is U+FFFD. */
    static String goString(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xff;
            int length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
            boolean valid = length > 0 && i + length <= bytes.length;
            for (int k = 1; valid && k < length; k++) {
                valid = (bytes[i + k] & 0xc0) == 0x80;
            }
            String decoded = valid ? new String(bytes, i, length, StandardCharsets.UTF_8) : "\ufffd";
            if (valid && decoded.contains("\ufffd")) {
                decoded = "\ufffd"; // overlong or surrogate encodings: Go rejects them too
                length = 1;
            }
            text.append(decoded);
            i += valid ? length : 1;
        }
        return text.toString();
    }

    /** iohandler.TruncateOutput: stdout and stderr joined for ListCommandInvocations' plugin Output, at most 2,500. */
    static String pluginOutput(String stdout, String stderr) {
        String title = stderr.isEmpty() ? "" : "\n----------ERROR-------\n";
        String outTruncated = "\n---Output truncated---";
        String errTruncated = "\n---Error truncated----";
        int available = PLUGIN_OUTPUT_LIMIT - title.length();
        if (stdout.length() + stderr.length() < available) {
            return stdout + title + stderr;
        }
        if (stdout.length() > available / 2 && stderr.length() > available / 2) {
            int size = (available - errTruncated.length() - outTruncated.length()) / 2;
            return stdout.substring(0, size) + outTruncated + title + stderr.substring(0, size) + errTruncated;
        }
        if (stdout.length() <= available / 2) {
            return stdout + title + stderr.substring(0, available - errTruncated.length() - stdout.length()) + errTruncated;
        }
        return stdout.substring(0, available - outTruncated.length() - stderr.length()) + outTruncated + title + stderr;
    }

    // ---- HTTP ---------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String action = target == null ? "" : target.substring(target.indexOf('.') + 1);
        try {
            JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            calls.add(JSON.createObjectNode().put("action", action).set("body", request));
            for (String key : List.of(action + "@" + request.path("InstanceId").asText(), action)) {
                Integer remaining = throttled.get(key);
                if (remaining != null && remaining > 0) {
                    throttled.put(key, remaining - 1);
                    error(exchange, "ThrottlingException", "Rate exceeded");
                    return;
                }
            }
            int now = inFlight.computeIfAbsent(action, a -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            maxInFlight.merge(action, now, Math::max);
            try {
                sleep(latency.getOrDefault(action, Duration.ZERO));
            } finally {
                inFlight.get(action).decrementAndGet();
            }
            JsonNode response;
            switch (action) {
                case "SendCommand": response = sendCommand(request); break;
                case "GetCommandInvocation": response = getCommandInvocation(request); break;
                case "ListCommandInvocations": response = listCommandInvocations(request); break;
                case "ListCommands": response = listCommands(request); break;
                case "CancelCommand": response = cancelCommand(request); break;
                default:
                    if (proxy != null) {
                        forward(exchange, body);
                    } else {
                        error(exchange, "UnknownOperationException", "the SSM test endpoint does not implement " + action);
                    }
                    return;
            }
            reply(exchange, 200, JSON.writeValueAsBytes(response));
        } catch (ApiError e) {
            error(exchange, e.type, e.getMessage());
        } catch (RuntimeException e) {
            error(exchange, "InternalServerError", e.toString());
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The API's error shape: the modelled member is "Message"; ThrottlingException (not modelled) answers "message". */
    private static void error(HttpExchange exchange, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("__type", type);
        if (message != null) {
            body.put(type.equals("ThrottlingException") || type.equals("ValidationException") ? "message" : "Message", message);
        }
        reply(exchange, type.equals("InternalServerError") ? 500 : 400, JSON.writeValueAsBytes(body));
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(proxy + "/").toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> connection.addRequestProperty(name, v));
            }
        });
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        int status = connection.getResponseCode();
        byte[] answer;
        try (var in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            answer = in == null ? new byte[0] : in.readAllBytes();
        }
        String type = connection.getHeaderField("x-amzn-ErrorType");
        if (type != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        }
        reply(exchange, status, answer);
    }

    private static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String type;

        /** An error; {@code message} null for shapes without a Message member. */
        ApiError(String type, String message) {
            super(message);
            this.type = type;
        }
    }

    // ---- Run Command --------------------------------------------------------------------------

    private final class CommandState {
        final String id = UUID.randomUUID().toString();
        final JsonNode request;
        final String script;
        final long executionTimeout;
        final int timeoutSeconds;
        final double requested = now();
        final Map<String, Invocation> invocations = Collections.synchronizedMap(new LinkedHashMap<>());
        final String bucket;
        final String prefix;
        final String maxErrors;
        /** Invocations take their MaxConcurrency slot in instance-id order, so a test knows which runs first. */
        private final Object turns = new Object();
        private int nextTurn;

        void awaitTurn(int index) throws InterruptedException {
            synchronized (turns) {
                while (nextTurn != index) {
                    turns.wait();
                }
            }
        }

        void passTurn() {
            synchronized (turns) {
                nextTurn++;
                turns.notifyAll();
            }
        }

        CommandState(JsonNode request, long executionTimeout) {
            this.request = request;
            List<String> lines = new ArrayList<>();
            request.path("Parameters").path("commands").forEach(l -> lines.add(l.asText()));
            // the agent writes the commands joined by newlines, with a final newline (pluginutil.CreateScriptFile)
            this.script = String.join("\n", lines) + "\n";
            this.executionTimeout = executionTimeout;
            this.timeoutSeconds = request.path("TimeoutSeconds").asInt(3600);
            this.bucket = request.path("OutputS3BucketName").asText("");
            this.prefix = request.path("OutputS3KeyPrefix").asText("");
            this.maxErrors = request.path("MaxErrors").asText("0");
        }

        /** When the command expires: undelivered invocations end DeliveryTimedOut (TimeoutSeconds + executionTimeout). */
        double expiresAt() {
            return requested + timeoutSeconds + executionTimeout;
        }

        /** Failed and execution-timed-out invocations count against MaxErrors; delivery time-outs and undeliverable ones do not. */
        boolean tooManyErrors() {
            List<Invocation> all = List.copyOf(invocations.values());
            long errors = all.stream().filter(i -> i.status.equals("Failed") && !i.details.equals("Undeliverable")
                    || i.details.equals("ExecutionTimedOut")).count();
            return errors > count(maxErrors, all.size());
        }

        String status() {
            List<Invocation> all = List.copyOf(invocations.values());
            if (all.stream().anyMatch(i -> !i.done())) {
                if (all.stream().anyMatch(i -> i.status.equals("Cancelling"))) {
                    return "Cancelling";
                }
                return all.stream().allMatch(i -> i.status.equals("Pending")) ? "Pending" : "InProgress";
            }
            if (all.stream().allMatch(i -> i.status.equals("Success"))) {
                return "Success";
            }
            if (all.stream().anyMatch(i -> i.status.equals("Failed"))) {
                return "Failed";
            }
            if (all.stream().anyMatch(i -> i.status.equals("TimedOut"))) {
                return "TimedOut";
            }
            return "Cancelled";
        }
    }

    private final class Invocation {
        final CommandState command;
        final String instanceId;
        volatile String status = "Pending";
        volatile String details = "Pending";
        volatile int responseCode = -1;
        volatile String stdout = "";
        volatile String stderr = "";
        volatile Process process;
        volatile boolean cancelled;

        Invocation(CommandState command, String instanceId) {
            this.command = command;
            this.instanceId = instanceId;
        }

        boolean done() {
            return FINAL.contains(status) || !List.of("Pending", "InProgress", "Delayed", "Cancelling").contains(status);
        }

        boolean visible() {
            return now() - command.requested >= invisibleFor.toMillis() / 1000.0;
        }

        void kill() {
            Process p = process;
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }

        void finish(String newStatus, String newDetails, int code) {
            responseCode = code;
            details = newDetails;
            status = newStatus;
        }

        /** CancelCommand: an undelivered invocation is Cancelled at once, a running one Cancelling until the agent stopped it. */
        synchronized void cancel() {
            if (done() || cancelled) {
                return;
            }
            cancelled = true;
            if (status.equals("InProgress")) {
                status = "Cancelling";
                details = "Cancelling";
                kill();
            }
        }

        void run(Injected injection, Semaphore slots, int turn) {
            try {
                command.awaitTurn(turn);
                try {
                    slots.acquire();
                } finally {
                    command.passTurn();
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                sleep(pendingFor);
                if (cancelled) {
                    finish("Cancelled", "Cancelled", -1);
                    return;
                }
                if (command.tooManyErrors()) {
                    finish("Cancelled", "Terminated", -1);
                    return;
                }
                if (injection != null && injection.failure() == Failure.UNDELIVERABLE) {
                    finish("Failed", "Undeliverable", -1);
                    return;
                }
                while (offline.contains(instanceId)) {
                    status = "Delayed";
                    details = "Delayed";
                    if (cancelled) {
                        finish("Cancelled", "Cancelled", -1);
                        return;
                    }
                    if (now() >= command.expiresAt()) {
                        finish("TimedOut", "DeliveryTimedOut", -1);
                        return;
                    }
                    sleep(Duration.ofMillis(50));
                }
                execute(injection);
            } finally {
                slots.release();
            }
        }

        private void execute(Injected injection) {
            try {
                Path work = host.dir().resolve("ssm").resolve(command.id).resolve(instanceId);
                Files.createDirectories(work);
                Path scriptFile = work.resolve("_script.sh");
                Files.writeString(scriptFile, command.script);
                Path out = work.resolve("stdout");
                Path err = work.resolve("stderr");
                ProcessBuilder builder = new ProcessBuilder("/bin/sh", scriptFile.toString())
                        .directory(host.dir().toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                builder.environment().putAll(host.env());
                builder.environment().putAll(hostEnv);
                builder.environment().put("MONET_INSTANCE_ID", instanceId);
                // every instance has its own /tmp; the default one uses the sandbox's
                if (!instanceId.equals(DEFAULT_INSTANCE)) {
                    Path tmp = host.dir().resolve("instances").resolve(instanceId).resolve("tmp");
                    Files.createDirectories(tmp);
                    builder.environment().put("TMPDIR", tmp.toString());
                }
                builder.environment().put("HOME", host.dir().resolve("home").toString());
                synchronized (this) {
                    if (cancelled) {
                        finish("Cancelled", "Cancelled", -1);
                        return;
                    }
                    status = "InProgress";
                    details = "InProgress";
                    process = builder.start();
                }
                if (injection != null && injection.failure() == Failure.CANCELLED) {
                    sleep(Duration.ofMillis(100));
                    cancel();
                }
                boolean exited = process.waitFor(command.executionTimeout, TimeUnit.SECONDS);
                if (!exited) {
                    kill();
                    process.waitFor();
                }
                byte[] fullOut = Files.readAllBytes(out);
                byte[] fullErr = Files.readAllBytes(err);
                stdout = agentCut(fullOut, STDOUT_LIMIT);
                stderr = agentCut(fullErr, STDERR_LIMIT);
                if (!command.bucket.isEmpty()) {
                    upload("stdout", fullOut);
                    upload("stderr", fullErr);
                }
                if (cancelled) {
                    sleep(cancellingFor);
                    finish("Cancelled", "Cancelled", -1);
                } else if (!exited) {
                    finish("TimedOut", "ExecutionTimedOut", -1);
                } else if (injection != null && injection.status() != null) {
                    finish(injection.status(), injection.details(), process.exitValue());
                } else if (process.exitValue() == 0) {
                    finish("Success", "Success", 0);
                } else {
                    finish("Failed", "Failed", process.exitValue());
                }
            } catch (IOException | InterruptedException e) {
                stderr = e.toString();
                finish("Failed", "Failed", -1);
            }
        }

        String key(String stream) {
            return (command.prefix.isEmpty() ? "" : command.prefix + "/") + command.id + "/" + instanceId
                    + "/awsrunShellScript/0.awsrunShellScript/" + stream;
        }

        private void upload(String stream, byte[] bytes) throws IOException {
            if (proxy == null || bytes.length == 0) {
                return;
            }
            HttpURLConnection put = (HttpURLConnection) URI.create(proxy + "/" + command.bucket + "/" + key(stream)).toURL().openConnection();
            put.setRequestMethod("PUT");
            put.setDoOutput(true);
            put.setRequestProperty("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0");
            try (OutputStream o = put.getOutputStream()) {
                o.write(bytes);
            }
            if (put.getResponseCode() >= 300) {
                throw new IOException("S3 PUT " + key(stream) + " answered " + put.getResponseCode());
            }
        }
    }

    private JsonNode sendCommand(JsonNode request) {
        String document = request.path("DocumentName").asText();
        if (!document.equals("AWS-RunShellScript")) {
            throw new ApiError("InvalidDocument", "this endpoint runs AWS-RunShellScript only, not " + document);
        }
        if (request.has("TimeoutSeconds")) {
            int timeoutSeconds = request.path("TimeoutSeconds").asInt();
            if (timeoutSeconds < 30 || timeoutSeconds > 2_592_000) {
                throw validation(timeoutSeconds, "timeoutSeconds", timeoutSeconds < 30
                        ? "Member must have value greater than or equal to 30" : "Member must have value less than or equal to 2592000");
            }
        }
        if (request.path("Comment").asText("").length() > 100) {
            throw validation(request.path("Comment").asText(), "comment", "Member must have length less than or equal to 100");
        }
        for (String field : List.of("MaxConcurrency", "MaxErrors")) {
            if (request.has(field) && !(field.equals("MaxErrors") ? MAX_ERRORS : MAX_CONCURRENCY)
                    .matcher(request.get(field).asText()).matches()) {
                throw validation(request.get(field).asText(), Character.toLowerCase(field.charAt(0)) + field.substring(1),
                        "Member must satisfy regular expression pattern: " + (field.equals("MaxErrors") ? MAX_ERRORS : MAX_CONCURRENCY));
            }
        }
        long executionTimeout = executionTimeout(request.path("Parameters"));
        List<String> targets = new ArrayList<>();
        request.path("InstanceIds").forEach(i -> targets.add(i.asText()));
        for (String id : targets) {
            if (!INSTANCE_ID.matcher(id).matches()) {
                throw validation(id, "instanceIds", "Member must satisfy regular expression pattern: " + INSTANCE_ID);
            }
        }
        List<String> unknown = targets.stream().filter(id -> !instances.containsKey(id)).toList();
        if (!unknown.isEmpty()) {
            throw new ApiError("InvalidInstanceId", "Instances [[" + String.join(", ", unknown) + "]] not in a valid state for account "
                    + ACCOUNT);
        }
        for (JsonNode target : request.path("Targets")) {
            String key = target.path("Key").asText();
            List<String> values = new ArrayList<>();
            target.path("Values").forEach(v -> values.add(v.asText()));
            if (!key.startsWith("tag:")) {
                throw new ApiError("InvalidParameters", "this endpoint resolves tag: targets only, not " + key);
            }
            String tag = key.substring(4);
            instances.forEach((id, tags) -> {
                if (values.contains(tags.get(tag)) && !targets.contains(id)) {
                    targets.add(id);
                }
            });
        }
        if (!request.has("InstanceIds") && !request.has("Targets")) {
            throw new ApiError("InvalidParameters", "either InstanceIds or Targets is required");
        }
        Collections.sort(targets.subList(request.has("Targets") ? 0 : targets.size(), targets.size()));
        CommandState command = new CommandState(request, executionTimeout);
        Semaphore slots = new Semaphore(Math.max(1, count(request.path("MaxConcurrency").asText("50"), targets.size())));
        for (String id : targets) {
            command.invocations.put(id, new Invocation(command, id));
        }
        commands.put(command.id, command);
        int turn = 0;
        for (Invocation invocation : List.copyOf(command.invocations.values())) {
            Injected injection = injected.isEmpty() ? null : injected.remove(0);
            int mine = turn++;
            workers.submit(() -> invocation.run(injection, slots, mine));
        }
        ObjectNode response = JSON.createObjectNode();
        response.set("Command", describe(command));
        return response;
    }

    /** AWS-RunShellScript's parameters: commands (at least one), workingDirectory, executionTimeout (default 3600). */
    private static long executionTimeout(JsonNode parameters) {
        List<String> names = new ArrayList<>();
        parameters.fieldNames().forEachRemaining(names::add);
        List<String> unknown = names.stream().filter(n -> !List.of("commands", "workingDirectory", "executionTimeout").contains(n)).toList();
        if (!unknown.isEmpty()) {
            throw new ApiError("InvalidParameters", "Parameters " + unknown + " are not valid for document AWS-RunShellScript");
        }
        if (parameters.path("commands").size() == 0) {
            throw new ApiError("InvalidParameters", "Parameter \"commands\" must have at least 1 item");
        }
        JsonNode timeout = parameters.path("executionTimeout");
        if (!timeout.isArray() || timeout.size() == 0) {
            return 3600;
        }
        String value = timeout.get(0).asText();
        if (!EXECUTION_TIMEOUT.matcher(value).matches()) {
            throw new ApiError("InvalidParameters", "Parameter \"executionTimeout\" \"" + value
                    + "\" failed to satisfy constraint: allowed pattern " + EXECUTION_TIMEOUT.pattern());
        }
        return Long.parseLong(value);
    }

    private static ApiError validation(Object value, String member, String constraint) {
        return new ApiError("ValidationException", "1 validation error detected: Value '" + value + "' at '" + member
                + "' failed to satisfy constraint: " + constraint);
    }

    /** MaxConcurrency / MaxErrors of {@code targets}: a number, or a percentage rounded up. */
    private static int count(String text, int targets) {
        if (text.endsWith("%")) {
            return (int) Math.ceil(targets * Integer.parseInt(text.substring(0, text.length() - 1)) / 100.0);
        }
        return Integer.parseInt(text);
    }

    private CommandState command(JsonNode request) {
        CommandState command = commands.get(request.path("CommandId").asText());
        if (command == null) {
            throw new ApiError("InvalidCommandId", null);
        }
        return command;
    }

    private JsonNode getCommandInvocation(JsonNode request) {
        CommandState command = commands.get(request.path("CommandId").asText());
        Invocation invocation = command == null ? null : command.invocations.get(request.path("InstanceId").asText());
        if (invocation == null || !invocation.visible()) {
            throw new ApiError("InvocationDoesNotExist", null);
        }
        ObjectNode node = JSON.createObjectNode()
                .put("CommandId", command.id).put("InstanceId", invocation.instanceId)
                .put("Comment", command.request.path("Comment").asText(""))
                .put("DocumentName", "AWS-RunShellScript").put("DocumentVersion", "$DEFAULT")
                .put("PluginName", "aws:runShellScript")
                .put("ResponseCode", invocation.responseCode)
                .put("Status", invocation.status).put("StatusDetails", invocation.details);
        boolean done = invocation.done();
        node.put("StandardOutputContent", done ? invocation.stdout : "");
        node.put("StandardErrorContent", done ? invocation.stderr : "");
        if (!command.bucket.isEmpty()) {
            node.put("StandardOutputUrl", "https://s3.amazonaws.com/" + command.bucket + "/" + invocation.key("stdout"));
            node.put("StandardErrorUrl", "https://s3.amazonaws.com/" + command.bucket + "/" + invocation.key("stderr"));
        }
        return node;
    }

    private JsonNode listCommandInvocations(JsonNode request) {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("CommandInvocations");
        List<CommandState> selected;
        synchronized (commands) {
            selected = request.has("CommandId") ? List.of(command(request)) : List.copyOf(commands.values());
        }
        boolean details = request.path("Details").asBoolean(false);
        for (CommandState command : selected) {
            for (Invocation invocation : List.copyOf(command.invocations.values())) {
                if (!invocation.visible()) {
                    continue;
                }
                ObjectNode node = list.addObject().put("CommandId", command.id).put("InstanceId", invocation.instanceId)
                        .put("DocumentName", "AWS-RunShellScript").put("Status", invocation.status)
                        .put("StatusDetails", invocation.details).put("RequestedDateTime", command.requested);
                if (details) {
                    boolean done = invocation.done();
                    node.putArray("CommandPlugins").addObject().put("Name", "aws:runShellScript")
                            .put("Status", invocation.status).put("StatusDetails", invocation.details)
                            .put("ResponseCode", invocation.responseCode)
                            .put("Output", done ? pluginOutput(invocation.stdout, invocation.stderr) : "");
                }
            }
        }
        return response;
    }

    /** ListCommands, with the InvokedAfter and InvokedBefore filters (ISO 8601 times). */
    private JsonNode listCommands(JsonNode request) {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("Commands");
        List<CommandState> selected;
        synchronized (commands) {
            selected = new ArrayList<>(request.has("CommandId") ? List.of(command(request)) : List.copyOf(commands.values()));
        }
        for (JsonNode filter : request.path("Filters")) {
            String key = filter.path("key").asText();
            double at = java.time.Instant.parse(filter.path("value").asText()).toEpochMilli() / 1000.0;
            if (key.equals("InvokedAfter")) {
                selected.removeIf(c -> c.requested < at);
            } else if (key.equals("InvokedBefore")) {
                selected.removeIf(c -> c.requested > at);
            } else {
                throw new ApiError("InvalidFilterKey", null);
            }
        }
        selected.forEach(c -> list.add(describe(c)));
        return response;
    }

    private ObjectNode describe(CommandState command) {
        ObjectNode node = JSON.createObjectNode();
        node.put("CommandId", command.id).put("DocumentName", "AWS-RunShellScript")
                .put("Comment", command.request.path("Comment").asText(""))
                .put("RequestedDateTime", command.requested)
                .put("ExpiresAfter", command.expiresAt())
                .put("Status", command.status()).put("StatusDetails", command.status())
                .put("TimeoutSeconds", command.timeoutSeconds)
                .put("MaxConcurrency", command.request.path("MaxConcurrency").asText("50"))
                .put("MaxErrors", command.maxErrors);
        node.set("Parameters", command.request.path("Parameters").deepCopy());
        node.set("Targets", command.request.has("Targets") ? command.request.get("Targets").deepCopy() : JSON.createArrayNode());
        ArrayNode ids = node.putArray("InstanceIds");
        command.request.path("InstanceIds").forEach(ids::add);
        List<Invocation> all = List.copyOf(command.invocations.values());
        node.put("TargetCount", all.size())
                .put("CompletedCount", all.stream().filter(Invocation::done).count())
                .put("ErrorCount", all.stream().filter(i -> i.done() && !i.status.equals("Success")).count())
                .put("DeliveryTimedOutCount", all.stream().filter(i -> i.details.equals("DeliveryTimedOut")).count());
        if (!command.bucket.isEmpty()) {
            node.put("OutputS3BucketName", command.bucket).put("OutputS3KeyPrefix", command.prefix);
        }
        return node;
    }

    /** CancelCommand: every invocation of the command, or only those of {@code InstanceIds} when given. */
    private JsonNode cancelCommand(JsonNode request) {
        CommandState command = command(request);
        java.util.Set<String> only = new java.util.HashSet<>();
        request.path("InstanceIds").forEach(id -> only.add(id.asText()));
        for (Invocation invocation : List.copyOf(command.invocations.values())) {
            if (only.isEmpty() || only.contains(invocation.instanceId)) {
                invocation.cancel();
            }
        }
        return JSON.createObjectNode();
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
 * SQLite database) and behaves as SSM does:
 * <ul>
 *   <li>right after SendCommand, GetCommandInvocation answers {@code InvocationDoesNotExist}
 *       for {@link #invisibleFor} (default 150 ms); then Pending for {@link #pendingFor}
 *       (default 50 ms), InProgress while the script runs, then Success / Failed (exit code);</li>
 *   <li>output only once the command has ended, truncated to the first 24,000 characters of
 *       stdout and 8,000 of stderr (full output goes to S3 when OutputS3BucketName is given,
 *       written into moto);</li>
 *   <li>{@code executionTimeout} kills the script: TimedOut / ExecutionTimedOut;</li>
 *   <li>{@link #throttle} answers ThrottlingException to the next N calls of an action;
 *       {@link #failNext} makes the next invocation Undeliverable, DeliveryTimedOut (after
 *       {@link #deliveryTimeout}, standing for TimeoutSeconds) or Cancelled while running;</li>
 *   <li>Targets ({@code tag:KEY}) resolve against {@link #instance registered instances}, at
 *       most MaxConcurrency at once; ListCommands shows each command's parameters as sent.</li>
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
    public static final int STDOUT_LIMIT = 24_000;
    public static final int STDERR_LIMIT = 8_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A failure to inject into the next invocation. */
    public enum Failure { UNDELIVERABLE, DELIVERY_TIMEOUT, CANCELLED }

    private final HostSandbox host;
    private final HttpServer server;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ssm-endpoint");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, CommandState> commands = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Map<String, String>> instances = new ConcurrentHashMap<>();
    private final Map<String, Integer> throttled = new ConcurrentHashMap<>();
    private final List<ObjectNode> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> hostEnv = new LinkedHashMap<>();
    private volatile String proxy;
    private volatile Duration invisibleFor = Duration.ofMillis(150);
    private volatile Duration pendingFor = Duration.ofMillis(50);
    private volatile Duration deliveryTimeout = Duration.ofSeconds(2);

    private SsmEndpoint(HostSandbox host) throws IOException {
        this.host = host;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
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

    /** Proxies every action this endpoint does not implement (Parameter Store ...) to moto; scripts' aws CLI uses moto too. */
    public SsmEndpoint proxyTo(String motoEndpoint) {
        this.proxy = motoEndpoint;
        hostEnv.putAll(Map.of("AWS_ENDPOINT_URL", motoEndpoint, "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing",
                "AWS_DEFAULT_REGION", "us-east-1", "AWS_CONFIG_FILE", "/dev/null", "AWS_SHARED_CREDENTIALS_FILE", "/dev/null"));
        return this;
    }

    /** Registers a managed instance with tags (for Targets). Any i-... id is accepted in InstanceIds. */
    public SsmEndpoint instance(String id, Map<String, String> tags) {
        instances.put(id, Map.copyOf(tags));
        return this;
    }

    /** How long a new command's invocations answer InvocationDoesNotExist. */
    public SsmEndpoint invisibleFor(Duration window) {
        this.invisibleFor = window;
        return this;
    }

    /** How long an invocation stays Pending before it runs. */
    public SsmEndpoint pendingFor(Duration pending) {
        this.pendingFor = pending;
        return this;
    }

    /** How long DELIVERY_TIMEOUT waits before TimedOut (standing for the command's TimeoutSeconds). */
    public SsmEndpoint deliveryTimeout(Duration timeout) {
        this.deliveryTimeout = timeout;
        return this;
    }

    /** The next {@code times} calls of {@code action} (e.g. "GetCommandInvocation") answer ThrottlingException. */
    public SsmEndpoint throttle(String action, int times) {
        throttled.put(action, times);
        return this;
    }

    /** The next invocation ends with this failure. */
    public SsmEndpoint failNext(Failure failure) {
        failures.add(failure);
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

    // ---- HTTP ---------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String action = target == null ? "" : target.substring(target.indexOf('.') + 1);
        try {
            JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            calls.add(JSON.createObjectNode().put("action", action).set("body", request));
            Integer remaining = throttled.get(action);
            if (remaining != null && remaining > 0) {
                throttled.put(action, remaining - 1);
                error(exchange, "ThrottlingException", "Rate exceeded");
                return;
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

    private static void error(HttpExchange exchange, String type, String message) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        reply(exchange, type.equals("InternalServerError") ? 500 : 400,
                JSON.writeValueAsBytes(JSON.createObjectNode().put("__type", type).put("message", message)));
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
        final double requested = now();
        final Map<String, Invocation> invocations = Collections.synchronizedMap(new LinkedHashMap<>());
        final String bucket;
        final String prefix;

        CommandState(JsonNode request) {
            this.request = request;
            List<String> lines = new ArrayList<>();
            request.path("Parameters").path("commands").forEach(l -> lines.add(l.asText()));
            this.script = String.join("\n", lines);
            JsonNode timeout = request.path("Parameters").path("executionTimeout");
            this.executionTimeout = timeout.isArray() && timeout.size() > 0 ? Long.parseLong(timeout.get(0).asText()) : 3600;
            this.bucket = request.path("OutputS3BucketName").asText("");
            this.prefix = request.path("OutputS3KeyPrefix").asText("");
        }

        String status() {
            List<Invocation> all;
            synchronized (invocations) {
                all = List.copyOf(invocations.values());
            }
            if (all.stream().anyMatch(i -> !i.done())) {
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
        volatile double started;
        volatile double ended;

        Invocation(CommandState command, String instanceId) {
            this.command = command;
            this.instanceId = instanceId;
        }

        boolean done() {
            return List.of("Success", "Failed", "TimedOut", "Cancelled").contains(status);
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
            ended = now();
            responseCode = code;
            details = newDetails;
            status = newStatus;
        }

        void run(Failure failure, Semaphore slots) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            try {
                sleep(pendingFor);
                if (cancelled) {
                    finish("Cancelled", "Cancelled", -1);
                    return;
                }
                if (failure == Failure.UNDELIVERABLE) {
                    finish("Failed", "Undeliverable", -1);
                    return;
                }
                if (failure == Failure.DELIVERY_TIMEOUT) {
                    sleep(deliveryTimeout);
                    finish("TimedOut", "DeliveryTimedOut", -1);
                    return;
                }
                execute(failure == Failure.CANCELLED);
            } finally {
                slots.release();
            }
        }

        private void execute(boolean cancelWhileRunning) {
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
                builder.environment().put("HOME", host.dir().resolve("home").toString());
                started = now();
                status = "InProgress";
                details = "InProgress";
                process = builder.start();
                if (cancelWhileRunning) {
                    sleep(Duration.ofMillis(100));
                    cancelled = true;
                }
                boolean exited = cancelled ? false : process.waitFor(command.executionTimeout, TimeUnit.SECONDS);
                if (!exited) {
                    kill();
                    process.waitFor();
                }
                String fullOut = Files.readString(out, StandardCharsets.UTF_8);
                String fullErr = Files.readString(err, StandardCharsets.UTF_8);
                stdout = fullOut.length() > STDOUT_LIMIT ? fullOut.substring(0, STDOUT_LIMIT) : fullOut;
                stderr = fullErr.length() > STDERR_LIMIT ? fullErr.substring(0, STDERR_LIMIT) : fullErr;
                if (!command.bucket.isEmpty()) {
                    upload("stdout", fullOut);
                    upload("stderr", fullErr);
                }
                if (cancelled) {
                    finish("Cancelled", "Cancelled", -1);
                } else if (!exited) {
                    finish("TimedOut", "ExecutionTimedOut", -1);
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

        private void upload(String stream, String text) throws IOException {
            if (proxy == null || text.isEmpty()) {
                return;
            }
            HttpURLConnection put = (HttpURLConnection) URI.create(proxy + "/" + command.bucket + "/" + key(stream)).toURL().openConnection();
            put.setRequestMethod("PUT");
            put.setDoOutput(true);
            put.setRequestProperty("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0");
            try (OutputStream o = put.getOutputStream()) {
                o.write(text.getBytes(StandardCharsets.UTF_8));
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
        int timeoutSeconds = request.path("TimeoutSeconds").asInt(3600);
        if (request.has("TimeoutSeconds") && (timeoutSeconds < 30 || timeoutSeconds > 2_592_000)) {
            throw new ApiError("ValidationException", "TimeoutSeconds must be between 30 and 2592000");
        }
        if (request.path("Comment").asText("").length() > 100) {
            throw new ApiError("ValidationException", "Comment must be at most 100 characters");
        }
        List<String> targets = new ArrayList<>();
        request.path("InstanceIds").forEach(i -> targets.add(i.asText()));
        for (String id : targets) {
            if (!id.matches("(i|mi)-[0-9a-f]{8,17}")) {
                throw new ApiError("InvalidInstanceId", "Instances [[" + id + "]] not in a valid state for account 123456789012");
            }
        }
        for (JsonNode target : request.path("Targets")) {
            String key = target.path("Key").asText();
            List<String> values = new ArrayList<>();
            target.path("Values").forEach(v -> values.add(v.asText()));
            if (!key.startsWith("tag:")) {
                throw new ApiError("ValidationException", "this endpoint resolves tag: targets only, not " + key);
            }
            String tag = key.substring(4);
            instances.forEach((id, tags) -> {
                if (values.contains(tags.get(tag)) && !targets.contains(id)) {
                    targets.add(id);
                }
            });
        }
        if (!request.has("InstanceIds") && !request.has("Targets")) {
            throw new ApiError("ValidationException", "either InstanceIds or Targets is required");
        }
        Collections.sort(targets.subList(request.has("Targets") ? 0 : targets.size(), targets.size()));
        CommandState command = new CommandState(request);
        int concurrency = concurrency(request.path("MaxConcurrency").asText("50"), targets.size());
        Semaphore slots = new Semaphore(Math.max(1, concurrency));
        for (String id : targets) {
            Invocation invocation = new Invocation(command, id);
            command.invocations.put(id, invocation);
        }
        commands.put(command.id, command);
        for (Invocation invocation : List.copyOf(command.invocations.values())) {
            Failure failure = failures.isEmpty() ? null : failures.remove(0);
            workers.submit(() -> invocation.run(failure, slots));
        }
        ObjectNode response = JSON.createObjectNode();
        response.set("Command", describe(command));
        return response;
    }

    private static int concurrency(String text, int targets) {
        if (text.endsWith("%")) {
            return (int) Math.ceil(targets * Integer.parseInt(text.substring(0, text.length() - 1)) / 100.0);
        }
        return Integer.parseInt(text);
    }

    private CommandState command(JsonNode request) {
        CommandState command = commands.get(request.path("CommandId").asText());
        if (command == null) {
            throw new ApiError("InvalidCommandId", "no command " + request.path("CommandId").asText());
        }
        return command;
    }

    private JsonNode getCommandInvocation(JsonNode request) {
        CommandState command = commands.get(request.path("CommandId").asText());
        Invocation invocation = command == null ? null : command.invocations.get(request.path("InstanceId").asText());
        if (invocation == null || !invocation.visible()) {
            throw new ApiError("InvocationDoesNotExist", "An error occurred (InvocationDoesNotExist)");
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
                    String output = invocation.done() ? invocation.stdout + invocation.stderr : "";
                    node.putArray("CommandPlugins").addObject().put("Name", "aws:runShellScript")
                            .put("Status", invocation.status).put("StatusDetails", invocation.details)
                            .put("ResponseCode", invocation.responseCode)
                            .put("Output", output.length() > 2500 ? output.substring(0, 2500) : output);
                }
            }
        }
        return response;
    }

    private JsonNode listCommands(JsonNode request) {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("Commands");
        List<CommandState> selected;
        synchronized (commands) {
            selected = request.has("CommandId") ? List.of(command(request)) : List.copyOf(commands.values());
        }
        selected.forEach(c -> list.add(describe(c)));
        return response;
    }

    private ObjectNode describe(CommandState command) {
        ObjectNode node = JSON.createObjectNode();
        node.put("CommandId", command.id).put("DocumentName", "AWS-RunShellScript")
                .put("Comment", command.request.path("Comment").asText(""))
                .put("RequestedDateTime", command.requested)
                .put("Status", command.status()).put("StatusDetails", command.status())
                .put("TimeoutSeconds", command.request.path("TimeoutSeconds").asInt(3600))
                .put("MaxConcurrency", command.request.path("MaxConcurrency").asText("50"))
                .put("MaxErrors", command.request.path("MaxErrors").asText("0"));
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

    private JsonNode cancelCommand(JsonNode request) {
        CommandState command = command(request);
        for (Invocation invocation : List.copyOf(command.invocations.values())) {
            if (!invocation.done()) {
                invocation.cancelled = true;
                invocation.kill();
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

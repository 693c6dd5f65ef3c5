package monet.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import monet.MonetException;
import monet.console.Console;
import monet.console.Secrets;
import monet.process.Shell;
import monet.text.Tail;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvalidInstanceIdException;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.SendCommandRequest;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * {@link RemoteShell} through AWS Systems Manager Run Command ({@code AWS-RunShellScript}).
 *
 * <ul>
 *   <li>Polls adaptively ({@link PollSchedule}): first check after 50 ms, then at most every
 *       250 ms for 10 s and every second after; {@code InvocationDoesNotExist} right after
 *       sending means "not yet"; throttling backs off. It waits for delivery (Pending, Delayed)
 *       at most the delivery timeout (ssm.delivery-timeout, SSM's TimeoutSeconds), then for the
 *       command its execution timeout and a minute; either exceeded, the command is cancelled.</li>
 *   <li>Every status maps to a result: Success and Failed give the script's exit code and
 *       output; Undeliverable, Terminated, delivery and execution timeouts, Cancelled and
 *       Cancelling are a {@link MonetException} saying which and why (exit 1), and so is any
 *       status this client does not know: it is final, not a reason to wait on.</li>
 *   <li>Output is never truncated: the SSM agent cuts stdout once it reaches 24,000 bytes and
 *       stderr at 8,000, ending them with {@value #TRUNCATED}; whether output is whole is decided
 *       from its bytes and that marker. With {@code ssm.output.bucket} the full output is read
 *       from S3; otherwise the script runs inside a wrapper that keeps its output in a directory
 *       on the instance unless it is below the limits, and further commands read it back
 *       gzip+base64 in bounded pages, then delete it.</li>
 *   <li>Secrets ({@link RemoteCommand#secrets()}) travel as short-lived SecureString parameters
 *       under {@value #SECRET_PREFIX} that the script reads with the instance role and deletes:
 *       the command's parameters hold only the parameter's name.</li>
 *   <li>What a command leaves behind (its secret parameters, the command while it runs, its
 *       output directory) is removed on every way out, Ctrl-C and kill included ({@link Leftovers}).</li>
 * </ul>
 */
public final class SsmShell implements RemoteShell {
    /** The SSM document every command uses. */
    static final String DOCUMENT = "AWS-RunShellScript";
    /** Where secret parameters live; the instance role needs GetParameter and DeleteParameter here. */
    public static final String SECRET_PREFIX = "/monet/tmp/";
    /** Where the SSM agent cuts output, in bytes (it returns less only when the output is shorter). */
    static final int STDOUT_LIMIT = 24_000;
    static final int STDERR_LIMIT = 8_000;
    /** What the agent ends cut output with. */
    static final String TRUNCATED = "--output truncated--";
    /** AWS-RunShellScript's executionTimeout: 1 to 172800 seconds. */
    static final long MAX_EXECUTION_SECONDS = 172_800;
    /** Raw bytes per page when reading spilled output back (base64 with newlines stays under 24,000). */
    static final int PAGE_BYTES = 17_000;
    /** Pages requested at once. */
    static final int PAGES_IN_FLIGHT = 4;
    static final String S3_PREFIX = "monet-remote";
    /** How long InvocationDoesNotExist may mean "not yet" after sending (eventual consistency takes seconds, not this). */
    static final Duration INVISIBLE_AT_MOST = Duration.ofSeconds(60);
    /** The statuses that mean "not yet"; every other one is final, including those this client does not know. */
    static final Set<String> WAITING = Set.of("Pending", "InProgress", "Delayed");

    private final SsmClient ssm;
    private final Supplier<String> instance;
    private final String unresolved;
    private final Options options;
    private String instanceId;

    /**
     * How the shell sends commands.
     *
     * @param region          the region the instance's {@code aws} CLI uses to read secret parameters
     * @param outputBucket    S3 bucket for full output ("" for none: the spill wrapper is used)
     * @param s3              the S3 client, used only when {@code outputBucket} is set
     * @param deliveryTimeout SSM's TimeoutSeconds, and how long this client waits for delivery (30 s to 30 days)
     * @param progress        show a live status line while waiting
     * @param logGroup        CloudWatch Logs group that keeps every command's output ("" for none)
     * @param secretKey       KMS key of the one-time SecureString parameters ("" for the account's aws/ssm key)
     */
    public record Options(String region, String outputBucket, Supplier<S3Client> s3, Duration deliveryTimeout,
                          boolean progress, String logGroup, String secretKey) {
        /** No bucket, 60 s delivery timeout, progress on, no log group, the default key. */
        public static Options defaults(String region) {
            return new Options(region, "", () -> null, Duration.ofSeconds(60), true, "", "");
        }

        Options withOutputBucket(String bucket, Supplier<S3Client> client) {
            return new Options(region, bucket, client, deliveryTimeout, progress, logGroup, secretKey);
        }

        public Options withProgress(boolean show) {
            return new Options(region, outputBucket, s3, deliveryTimeout, show, logGroup, secretKey);
        }

        /** Every command's output also goes to this CloudWatch Logs group (what operators ran, kept). */
        Options withLogGroup(String group) {
            return new Options(region, outputBucket, s3, deliveryTimeout, progress, group, secretKey);
        }

        /** The one-time secret parameters are encrypted with this KMS key (id, ARN or alias/NAME). */
        Options withSecretKey(String key) {
            return new Options(region, outputBucket, s3, deliveryTimeout, progress, logGroup, key);
        }

        /** SSM's TimeoutSeconds, and how long this client waits for delivery. */
        Options withDeliveryTimeout(Duration timeout) {
            return new Options(region, outputBucket, s3, timeout, progress, logGroup, secretKey);
        }
    }

    /**
     * A shell on one instance.
     *
     * @param ssm        the client
     * @param instance   the instance id, looked up on first use (so {@code --dry-run} needs no AWS)
     * @param unresolved how to name the instance before the lookup ("the running instance tagged Name=drawing-agent")
     * @param options    see {@link Options}
     */
    SsmShell(SsmClient ssm, Supplier<String> instance, String unresolved, Options options) {
        this.ssm = ssm;
        this.instance = instance;
        this.unresolved = unresolved;
        this.options = options;
    }

    /** A shell on a known instance. */
    public static SsmShell on(SsmClient ssm, String instanceId, Options options) {
        return new SsmShell(ssm, () -> instanceId, instanceId, options);
    }

    /** The same shell on the same instance without the progress line (for repeated polls such as logs --follow). */
    public SsmShell withoutProgress() {
        String id = instanceId();
        return new SsmShell(ssm, () -> id, id, options.withProgress(false));
    }

    /** The instance id (looked up now if it was not yet). */
    public synchronized String instanceId() {
        if (instanceId == null) {
            instanceId = instance.get();
        }
        return instanceId;
    }

    @Override
    public String target() {
        return (instanceId == null ? unresolved : instanceId) + " (SSM)";
    }

    @Override
    public String preview(RemoteCommand command) {
        Sent plan = plan(command, secretNames(command));
        StringBuilder text = new StringBuilder();
        text.append("# SSM SendCommand to ").append(instanceId == null ? unresolved : instanceId).append('\n');
        command.secrets().forEach((name, value) -> text.append("# first: PutParameter ")
                .append(plan.secretParameters.get(name)).append(" (SecureString")
                .append(options.secretKey().isEmpty() ? "" : ", key " + options.secretKey()).append(", value hidden), read into $")
                .append(name).append(" on the instance and deleted\n"));
        text.append("# DocumentName: ").append(DOCUMENT).append('\n');
        text.append("# TimeoutSeconds: ").append(options.deliveryTimeout().toSeconds()).append('\n');
        text.append("# Parameters.executionTimeout: ").append(executionSeconds(command)).append('\n');
        if (!options.outputBucket().isEmpty()) {
            text.append("# OutputS3BucketName: ").append(options.outputBucket()).append(", OutputS3KeyPrefix: ")
                    .append(S3_PREFIX).append('\n');
        }
        if (!options.logGroup().isEmpty()) {
            text.append("# CloudWatchOutputConfig: ").append(options.logGroup()).append('\n');
        }
        text.append("# Parameters.commands:\n").append(plan.script);
        return Secrets.mask(text.toString());
    }

    @Override
    public RemoteResult run(RemoteCommand command) {
        String id = instanceId();
        if (!command.secrets().isEmpty()) {
            removeLeftBehindSecrets();
        }
        Map<String, String> names = secretNames(command);
        Sent plan = plan(command, names);
        try (Leftovers leftovers = new Leftovers(ssm, "'" + command.description() + "' on " + id)) {
            leftovers.put(names.values(), () -> putSecrets(command, names));
            SendCommandRequest request = request(command, plan.script).instanceIds(id).build();
            String commandId = leftovers.send(() -> send(request), plan.spillId == null ? null : () -> removeSpill(id, plan.spillId));
            GetCommandInvocationResponse done = await(commandId, id, command);
            leftovers.ended();
            RemoteResult result = finish(commandId, id, done, plan, command);
            leftovers.spillGone();
            emit(result.stdout(), command.stdout());
            emit(result.stderr(), command.stderr());
            return result;
        }
    }

    // ---- sending ------------------------------------------------------------------------------

    /**
     * The script as sent (secret prelude, wrapper), the wrapper's nonce and the id of its output
     * directory (both null without the wrapper), and the secret parameters' names.
     */
    record Sent(String script, String nonce, String spillId, Map<String, String> secretParameters) {}

    Sent plan(RemoteCommand command, Map<String, String> secretParameters) {
        StringBuilder text = new StringBuilder();
        if (!secretParameters.isEmpty()) {
            text.append(HostScript.of("ssm-secrets").with("MONET_REGION", options.region()).text());
            secretParameters.forEach((variable, parameter) -> text.append(variable).append("=$(monet_secret ")
                    .append(Shell.quote(parameter)).append(") || exit 1\n"));
        }
        if (!options.outputBucket().isEmpty()) {
            return new Sent(text.append(command.script()).toString(), null, null, secretParameters);
        }
        String spillId = UUID.randomUUID().toString().replace("-", "");
        String nonce = "MONET-SPILL-" + spillId;
        return new Sent(text.append(spillWrapper(command.script(), nonce, spillId)).toString(), nonce, spillId, secretParameters);
    }

    /**
     * The script as the function {@code monet_script}, run by {@code ssm-output.sh}: its output
     * in files, printed when the agent would return it whole (below its limits), otherwise kept
     * (gzipped) in the directory {@code monet-ssm.SPILL_ID} and announced on stderr by a line that
     * starts with the nonce.
     */
    static String spillWrapper(String script, String nonce, String spillId) {
        return "monet_script() {\n" + script + (script.endsWith("\n") ? "" : "\n") + "}\n"
                + HostScript.of("ssm-output").with("MONET_NONCE", nonce).with("MONET_SPILL_ID", spillId)
                        .with("MONET_STDOUT_LIMIT", STDOUT_LIMIT).with("MONET_STDERR_LIMIT", STDERR_LIMIT).text();
    }

    SendCommandRequest.Builder request(RemoteCommand command, String script) {
        SendCommandRequest.Builder request = SendCommandRequest.builder()
                .documentName(DOCUMENT)
                .comment(abbreviate("monet: " + command.description(), 100))
                .timeoutSeconds((int) options.deliveryTimeout().toSeconds())
                .parameters(Map.of("commands", List.of(script),
                        "executionTimeout", List.of(String.valueOf(executionSeconds(command)))));
        if (!options.outputBucket().isEmpty()) {
            request.outputS3BucketName(options.outputBucket()).outputS3KeyPrefix(S3_PREFIX);
        }
        if (!options.logGroup().isEmpty()) {
            request.cloudWatchOutputConfig(c -> c.cloudWatchOutputEnabled(true).cloudWatchLogGroupName(options.logGroup()));
        }
        return request;
    }

    String send(SendCommandRequest request) {
        PollSchedule schedule = new PollSchedule();
        long started = System.nanoTime();
        while (true) {
            try {
                return ssm.sendCommand(request).command().commandId();
            } catch (InvalidInstanceIdException e) {
                throw new MonetException(notManaged(String.join(", ", request.instanceIds())), e);
            } catch (SsmException e) {
                if (!e.isThrottlingException() || elapsed(started).toSeconds() > 60) {
                    throw new MonetException("SSM SendCommand failed: " + e.awsErrorDetails().errorMessage()
                            + " (" + e.awsErrorDetails().errorCode() + ")", e);
                }
                sleep(schedule.next(elapsed(started), true));
            }
        }
    }

    /** SSM's InvalidInstanceId, explained: it answers so for every instance it cannot send to, whatever the reason. */
    private String notManaged(String ids) {
        return "SSM cannot send a command to " + ids + " (InvalidInstanceId). Likely causes: the instance is stopped or"
                + " terminated; its SSM agent is not running or cannot reach SSM, so it is not registered as a managed node;"
                + " it has no instance profile with the AmazonSSMManagedInstanceCore policy; or it is in another region than "
                + options.region() + " (set AWS_REGION or aws.region). Check: aws ssm describe-instance-information --region "
                + options.region() + " --filters Key=InstanceIds,Values=" + ids.replace(", ", ",")
                + " (lists it when SSM manages it; PingStatus should be Online)";
    }

    // ---- waiting ------------------------------------------------------------------------------

    /**
     * Waits for the invocation's final status: for delivery at most the delivery timeout, then
     * for the command at most its execution timeout and a minute; past either, the command is
     * cancelled and the failure says which wait ran out.
     */
    GetCommandInvocationResponse await(String commandId, String id, RemoteCommand command) {
        Duration delivery = options.deliveryTimeout();
        Duration execution = Duration.ofSeconds(executionSeconds(command)).plusMinutes(1);
        long started = System.nanoTime();
        Long delivered = null;
        PollSchedule schedule = new PollSchedule();
        boolean throttled = false;
        String state = "sent";
        String what = "'" + command.description() + "' on " + id + " (SSM " + commandId + ")";
        try (Console.Status status = options.progress()
                ? Console.get().status(command.description() + " on " + id + " (SSM " + commandId + ")") : null) {
            while (true) {
                sleep(schedule.next(elapsed(started), throttled));
                throttled = false;
                try {
                    GetCommandInvocationResponse invocation = ssm.getCommandInvocation(b -> b.commandId(commandId).instanceId(id));
                    state = invocation.statusAsString();
                    if (!WAITING.contains(state)) {
                        return invocation;
                    }
                    if (state.equals("InProgress") && delivered == null) {
                        delivered = System.nanoTime();
                    }
                } catch (InvocationDoesNotExistException notYet) {
                    if (elapsed(started).compareTo(INVISIBLE_AT_MOST) > 0) {
                        cancelQuietly(commandId);
                        throw new MonetException("SSM still knows no invocation of " + commandId + " on " + id + " "
                                + Console.formatDuration(INVISIBLE_AT_MOST) + " after sending it (is " + id
                                + " a managed node in this region?)");
                    }
                } catch (SsmException e) {
                    if (!e.isThrottlingException()) {
                        throw new MonetException("SSM GetCommandInvocation for " + commandId + " failed: "
                                + e.awsErrorDetails().errorMessage(), e);
                    }
                    throttled = true;
                }
                if (status != null) {
                    status.update(progress(state, delivered == null ? delivery : execution) + (throttled ? ", throttled" : ""));
                }
                if (delivered == null && elapsed(started).compareTo(delivery) > 0) {
                    cancelQuietly(commandId);
                    throw new MonetException(what + " was not delivered to " + id + " within " + delivery.toSeconds()
                            + " s (ssm.delivery-timeout) and was cancelled; last status " + state + ": "
                            + (state.equals("Delayed") ? "SSM tried and could not reach the instance's SSM agent"
                            : "SSM has not handed it to the instance's SSM agent") + ". Is the instance running and its"
                            + " agent online? Check: aws ssm describe-instance-information --region " + options.region()
                            + " --filters Key=InstanceIds,Values=" + id + " (PingStatus); raise the wait with --set"
                            + " ssm.delivery-timeout=SECONDS");
                }
                if (delivered != null && Duration.ofNanos(System.nanoTime() - delivered).compareTo(execution) > 0) {
                    cancelQuietly(commandId);
                    throw new MonetException(what + " did not finish within " + Console.formatDuration(execution)
                            + " of starting (its execution timeout and a minute; last status: " + state + "); it was cancelled");
                }
            }
        }
    }

    private static String progress(String state, Duration wait) {
        switch (state) {
            case "sent":
            case "Pending":
                return "pending: waiting up to " + Console.formatDuration(wait) + " for delivery";
            case "Delayed":
                return "delayed: SSM cannot reach the instance's agent yet, retrying for up to " + Console.formatDuration(wait);
            default:
                return state.toLowerCase(java.util.Locale.ROOT) + ", for up to " + Console.formatDuration(wait);
        }
    }

    private void cancelQuietly(String commandId) {
        try {
            ssm.cancelCommand(b -> b.commandId(commandId));
        } catch (RuntimeException ignored) {
            // already finished, or SSM unreachable: nothing more to do
        }
    }

    // ---- results ------------------------------------------------------------------------------

    /** Full output and the status mapped to a result, or a MonetException saying what went wrong. */
    RemoteResult finish(String commandId, String id, GetCommandInvocationResponse invocation, Sent plan, RemoteCommand command) {
        String out = nullToEmpty(invocation.standardOutputContent());
        String err = nullToEmpty(invocation.standardErrorContent());
        String status = invocation.statusAsString();
        String details = nullToEmpty(invocation.statusDetails());
        int code = invocation.responseCode() == null ? -1 : invocation.responseCode();
        String what = "'" + command.description() + "' on " + id + " (SSM " + commandId + ")";
        if (details.equals("Terminated")) {
            throw new MonetException(what + " was not run: the command reached its MaxErrors (ssm.max-errors) on other instances");
        }
        boolean ran = status.equals("Success") || status.equals("Failed") && (details.isEmpty() || details.equals("Failed"));
        if (ran) {
            if (!options.outputBucket().isEmpty()) {
                if (cut(out, STDOUT_LIMIT)) {
                    out = fromS3(commandId, id, "stdout");
                }
                if (cut(err, STDERR_LIMIT)) {
                    err = fromS3(commandId, id, "stderr");
                }
            } else if (plan.nonce() != null) {
                String[] spill = spillLine(err, plan.nonce());
                if (spill != null) {
                    out = readSpill(id, spill[0], "out.gz", Long.parseLong(spill[1]));
                    err = readSpill(id, spill[0], "err.gz", Long.parseLong(spill[2]));
                    removeSpill(id, plan.spillId());
                }
            }
            if (cut(out, STDOUT_LIMIT) || cut(err, STDERR_LIMIT)) {
                throw new MonetException(what + " returned output that SSM cut at " + STDOUT_LIMIT + "/" + STDERR_LIMIT
                        + " bytes, and the rest could not be read");
            }
            return status.equals("Success") ? new RemoteResult(code < 0 ? 0 : code, out, err)
                    : new RemoteResult(code <= 0 ? 1 : code, out, err);
        }
        switch (status) {
            case "Failed":
            case "TimedOut":
                throw new MonetException(what + " " + explain(details.isEmpty() ? "ExecutionTimedOut" : details, command)
                        + Tail.of(out, err));
            case "Cancelled":
                throw new MonetException(what + " was cancelled before it finished (by a CancelCommand, or this tool was"
                        + " interrupted)" + Tail.of(out, err));
            case "Cancelling":
                throw new MonetException(what + " is being cancelled (someone ran CancelCommand): it will not finish");
            default:
                throw new MonetException(what + " ended with status " + status + (details.isEmpty() ? "" : "/" + details)
                        + ", which this tool does not know; see `aws ssm get-command-invocation --command-id " + commandId
                        + " --instance-id " + id + "`" + Tail.of(out, err));
        }
    }

    /** Whether the agent cut this output: it ends with the marker and has (at least) the limit's bytes. */
    static boolean cut(String output, int limit) {
        return output.endsWith(TRUNCATED) && output.getBytes(StandardCharsets.UTF_8).length >= limit;
    }

    private String explain(String details, RemoteCommand command) {
        switch (details) {
            case "Undeliverable":
                return "was undeliverable: the instance is not a managed node, is stopped or terminated, or its SSM"
                        + " agent is not connected (check `aws ssm describe-instance-information`)";
            case "DeliveryTimedOut":
                return "was never delivered: SSM gave up after its TimeoutSeconds (" + options.deliveryTimeout().toSeconds()
                        + " s) and the execution timeout (" + executionSeconds(command) + " s) without reaching the instance's"
                        + " SSM agent (instance stopped or offline, agent not running, or no route to SSM)";
            case "ExecutionTimedOut":
                return "timed out: it ran longer than its execution timeout of " + executionSeconds(command)
                        + " s and was stopped (raise it with --timeout)";
            case "AccessDenied":
                return "was denied: the instance role or the caller lacks permission for " + DOCUMENT;
            case "InvalidPlatform":
                return "cannot run there: the instance's platform does not support " + DOCUMENT;
            default:
                return "failed with status " + details;
        }
    }

    /** The spill line the wrapper printed, if it spilled: {dir, out.gz size, err.gz size}. */
    static String[] spillLine(String stderr, String nonce) {
        for (String line : stderr.lines().toList()) {
            if (line.startsWith(nonce + " ")) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 4 && parts[1].matches("/[A-Za-z0-9._/-]+")) {
                    return new String[] {parts[1], parts[2], parts[3]};
                }
            }
        }
        return null;
    }

    private String readSpill(String id, String dir, String file, long size) {
        String path = dir + "/" + file;
        int pages = (int) ((size + PAGE_BYTES - 1) / PAGE_BYTES);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        for (int first = 0; first < pages; first += PAGES_IN_FLIGHT) {
            List<String> sent = new ArrayList<>();
            int last = Math.min(pages, first + PAGES_IN_FLIGHT);
            for (int page = first; page < last; page++) {
                String script = HostScript.of("ssm-page").with("MONET_FILE", path).with("MONET_PAGE", page)
                        .with("MONET_PAGE_BYTES", PAGE_BYTES).text();
                sent.add(send(request(RemoteCommand.of("read output page", script, Duration.ofMinutes(2)), script)
                        .instanceIds(id).build()));
            }
            for (int page = first; page < last; page++) {
                String commandId = sent.get(page - first);
                RemoteCommand reading = RemoteCommand.of("read page " + (page + 1) + "/" + pages + " of the output", "",
                        Duration.ofMinutes(2));
                GetCommandInvocationResponse done = awaitQuietly(commandId, id, reading);
                if (!"Success".equals(done.statusAsString())) {
                    throw new MonetException("could not read the full output back from " + path + " on " + id
                            + " (SSM " + commandId + ": " + done.statusAsString() + "/" + done.statusDetails() + ") "
                            + nullToEmpty(done.standardErrorContent()).strip());
                }
                gz.writeBytes(Base64.getMimeDecoder().decode(nullToEmpty(done.standardOutputContent())));
            }
        }
        if (gz.size() != size) {
            throw new MonetException("read " + gz.size() + " of " + size + " bytes of " + path + " on " + id);
        }
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz.toByteArray()))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the output read back from " + path + " is not valid gzip", e);
        }
    }

    private GetCommandInvocationResponse awaitQuietly(String commandId, String id, RemoteCommand command) {
        SsmShell quiet = new SsmShell(ssm, () -> id, id, options.withProgress(false));
        return quiet.await(commandId, id, command);
    }

    /** Removes the output directory {@code monet-ssm.SPILL_ID} on the instance (and waits until it is gone). */
    private void removeSpill(String id, String spillId) {
        String script = HostScript.of("ssm-remove").with("MONET_SPILL_ID", spillId).text();
        try {
            String commandId = send(request(RemoteCommand.of("remove kept output", script, Duration.ofMinutes(1)), script)
                    .instanceIds(id).build());
            GetCommandInvocationResponse done = awaitQuietly(commandId, id, RemoteCommand.of("remove kept output", "",
                    Duration.ofMinutes(1)));
            if (!"Success".equals(done.statusAsString())) {
                Console.get().warn("could not remove the output kept in monet-ssm." + spillId + " on " + id + ": "
                        + done.statusDetails());
            }
        } catch (MonetException e) {
            Console.get().warn("could not remove the output kept in monet-ssm." + spillId + " on " + id + ": " + e.getMessage());
        }
    }

    private String fromS3(String commandId, String id, String stream) {
        String key = S3_PREFIX + "/" + commandId + "/" + id + "/awsrunShellScript/0.awsrunShellScript/" + stream;
        try {
            ResponseBytes<?> bytes = options.s3().get().getObjectAsBytes(b -> b.bucket(options.outputBucket()).key(key));
            return bytes.asUtf8String();
        } catch (NoSuchKeyException e) {
            throw new MonetException("SSM cut the " + stream + " of " + commandId + " on " + id + " and the whole of it is not in s3://"
                    + options.outputBucket() + "/" + key + " (the instance role needs s3:PutObject there)");
        }
    }

    // ---- secrets ------------------------------------------------------------------------------

    private static Map<String, String> secretNames(RemoteCommand command) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String variable : command.secrets().keySet()) {
            names.put(variable, SECRET_PREFIX + UUID.randomUUID());
        }
        return names;
    }

    /** What a killed client left in Parameter Store goes before this command puts its own ({@link SecretParameters}). */
    private void removeLeftBehindSecrets() {
        try {
            List<String> removed = SecretParameters.cleanup(ssm, false).removed();
            if (!removed.isEmpty()) {
                Console.get().info("removed " + removed.size() + " one-time secret parameter(s) an interrupted command left in"
                        + " Parameter Store: " + String.join(", ", removed));
            }
        } catch (SsmException e) {
            Console.get().warn("could not look for one-time secret parameters left behind (" + e.awsErrorDetails().errorMessage()
                    + "); `./jbang remote cleanup` removes them");
        }
    }

    private void putSecrets(RemoteCommand command, Map<String, String> names) {
        names.forEach((variable, parameter) -> ssm.putParameter(b -> {
            b.name(parameter).type(ParameterType.SECURE_STRING).value(command.secrets().get(variable))
                    .description("monet: one-time secret for " + abbreviate(command.description(), 200) + "; deleted after use");
            if (!options.secretKey().isEmpty()) {
                b.keyId(options.secretKey());
            }
        }));
    }

    // ---- helpers ------------------------------------------------------------------------------

    static long executionSeconds(RemoteCommand command) {
        return command.timeout().toSeconds();
    }

    private static void emit(String text, Consumer<String> lines) {
        if (!text.isEmpty()) {
            text.lines().forEach(line -> lines.accept(Secrets.mask(line)));
        }
    }

    private static Duration elapsed(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MonetException("interrupted while waiting for SSM");
        }
    }

    static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    SsmClient client() {
        return ssm;
    }

    Options options() {
        return options;
    }
}

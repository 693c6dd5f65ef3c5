package monet.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import monet.MonetException;
import monet.console.Console;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CloudWatchLogsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * One container's log lines from CloudWatch Logs, as the server's CloudWatch agent ships them
 * (infrastructure/user_data.sh): every container's docker json-file log goes, line by line, to
 * the stream {@code INSTANCE_ID/containers} of the app's log group, and each line carries the
 * container's name in {@code attrs.tag} (the compose file sets the json-file option
 * {@code tag: "{{.Name}}"}). Reading follows the stream with GetLogEvents' forward token, so no
 * line is shown twice or missed; lines docker split (over 16 KiB) are joined again.
 */
final class CloudWatchFollower {
    /** The stream the agent writes for an instance: user_data.sh's {@code "{instance_id}/containers"}. */
    static String streamOf(String instanceId) {
        return instanceId + "/containers";
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Events per page when reading backwards for the last lines. */
    private static final int BACKWARD_PAGE = 1000;
    private static final Pattern DURATION = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|ms|s|m|h)");

    private final CloudWatchLogsClient logs;
    private final String group;
    private final String stream;
    private final String container;
    private final boolean timestamps;
    private final Consumer<String> out;
    private final Map<String, StringBuilder> partial = new HashMap<>();
    private Long startTime;
    private String forward;
    private boolean sawEvents;
    private boolean sawTagged;
    private boolean warnedUntagged;

    /**
     * @param logs       the client
     * @param group      the log group (logs.group)
     * @param instanceId whose stream to read
     * @param container  the container whose lines to print
     * @param timestamps prefix each line with docker's time, as {@code docker logs --timestamps}
     * @param out        where lines go
     */
    CloudWatchFollower(CloudWatchLogsClient logs, String group, String instanceId, String container, boolean timestamps,
                       Consumer<String> out) {
        this.logs = logs;
        this.group = group;
        this.stream = streamOf(instanceId);
        this.container = container;
        this.timestamps = timestamps;
        this.out = out;
    }

    /** What {@code --dry-run} prints. */
    static String preview(String group, String instance, String container, int lines, String since, Duration every) {
        String first = since != null ? "the lines since " + since : lines < 0 ? "every line" : "the last " + lines + " lines";
        return "# CloudWatch Logs GetLogEvents on log group " + group + ", stream " + streamOf(instance)
                + " (the CloudWatch agent's, see infrastructure/user_data.sh)\n"
                + "# first " + first + " of " + container + ", then every " + Console.formatDuration(every)
                + " the events after the last nextForwardToken\n"
                + "# each event is a line of docker's json-file log: those whose attrs.tag is " + container + " are printed\n";
    }

    /** Prints the last {@code lines} lines (negative: all), or every line since {@code since} when given, and remembers where it stopped. */
    void start(int lines, String since) {
        if (since != null) {
            startTime = since(since).toEpochMilli();
            readForward(null);
        } else if (lines < 0) {
            readForward(null);
        } else {
            readLast(lines);
        }
        warnIfUntagged();
    }

    /** Prints what arrived since the last call. */
    void poll() {
        readForward(forward);
        warnIfUntagged();
    }

    private void readForward(String token) {
        String current = token;
        while (true) {
            GetLogEventsResponse page = get(current, true, null);
            page.events().forEach(event -> accept(event, out));
            String next = page.nextForwardToken();
            if (next == null || next.equals(current)) {
                forward = next == null ? current : next;
                return;
            }
            current = next;
            if (page.events().isEmpty()) {
                forward = current;
                return;
            }
        }
    }

    /** Reads backwards until {@code lines} of the container's lines are found (or the stream's start), then prints them in order. */
    private void readLast(int lines) {
        GetLogEventsResponse page = get(null, false, BACKWARD_PAGE);
        forward = page.nextForwardToken();
        List<OutputLogEvent> events = new ArrayList<>(page.events());
        String back = page.nextBackwardToken();
        while (ownLines(events) < lines && !page.events().isEmpty()) {
            String previous = back;
            page = get(back, false, BACKWARD_PAGE);
            events.addAll(0, page.events());
            back = page.nextBackwardToken();
            if (back == null || back.equals(previous)) {
                break;
            }
        }
        List<String> found = new ArrayList<>();
        events.forEach(event -> accept(event, found::add));
        found.subList(Math.max(0, found.size() - lines), found.size()).forEach(out);
    }

    private long ownLines(List<OutputLogEvent> events) {
        return events.stream().map(e -> parse(e.message())).filter(n -> n != null && container.equals(n.path("attrs").path("tag").asText(null))
                && n.path("log").asText("").endsWith("\n")).count();
    }

    private GetLogEventsResponse get(String token, boolean fromHead, Integer limit) {
        GetLogEventsRequest.Builder request = GetLogEventsRequest.builder().logGroupName(group).logStreamName(stream)
                .startFromHead(fromHead).nextToken(token).limit(limit);
        // the same startTime on every call: moto's tokens count positions among the events it selects
        if (startTime != null) {
            request.startTime(startTime);
        }
        try {
            return logs.getLogEvents(request.build());
        } catch (ResourceNotFoundException e) {
            throw new MonetException(missing());
        } catch (CloudWatchLogsException e) {
            if (e.statusCode() == 403 || "AccessDeniedException".equals(e.awsErrorDetails().errorCode())) {
                throw new MonetException("CloudWatch Logs refused GetLogEvents on " + group + ": your credentials need"
                        + " logs:GetLogEvents on that log group (" + e.awsErrorDetails().errorMessage() + ")", e);
            }
            throw new MonetException("CloudWatch Logs GetLogEvents on " + group + " " + stream + " failed: "
                    + e.awsErrorDetails().errorMessage() + " (" + e.awsErrorDetails().errorCode() + ")", e);
        }
    }

    /** Which is missing: the group, or the stream (moto says "log group" for both, so ask). */
    private String missing() {
        boolean groupExists;
        try {
            logs.describeLogStreams(b -> b.logGroupName(group).logStreamNamePrefix(stream));
            groupExists = true;
        } catch (ResourceNotFoundException e) {
            groupExists = false;
        }
        if (groupExists) {
            return "there is no log stream " + stream + " in " + group + ": the CloudWatch agent on the instance has not shipped"
                    + " container logs yet (is it running? `./jbang remote shell 'systemctl status amazon-cloudwatch-agent'`;"
                    + " infrastructure/user_data.sh configures it)";
        }
        return "there is no log group " + group + " in this account and region: set logs.group to the infrastructure's"
                + " output (terraform output app_log_group), or logs.group= (empty) to follow by polling over SSM";
    }

    /** Prints the event's line if it is one of the container's (joining docker's split lines). */
    private void accept(OutputLogEvent event, Consumer<String> sink) {
        sawEvents = true;
        JsonNode line = parse(event.message());
        String tag = line == null ? null : line.path("attrs").path("tag").asText(null);
        if (tag == null) {
            return;
        }
        sawTagged = true;
        if (!tag.equals(container)) {
            return;
        }
        String text = line.path("log").asText("");
        String streamName = line.path("stream").asText("stdout");
        StringBuilder pending = partial.computeIfAbsent(streamName, s -> new StringBuilder());
        if (pending.length() == 0 && timestamps) {
            pending.append(line.path("time").asText("")).append(' ');
        }
        pending.append(text);
        if (!text.endsWith("\n")) {
            return;
        }
        String complete = pending.substring(0, pending.length() - 1);
        pending.setLength(0);
        sink.accept(complete.endsWith("\r") ? complete.substring(0, complete.length() - 1) : complete);
    }

    private static JsonNode parse(String message) {
        if (message == null || !message.startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(message);
            return node.isObject() && node.has("log") ? node : null;
        } catch (java.io.IOException notJson) {
            return null;
        }
    }

    private void warnIfUntagged() {
        if (sawEvents && !sawTagged && !warnedUntagged) {
            warnedUntagged = true;
            Console.get().warn("the lines in " + group + " " + stream + " carry no container name (attrs.tag), so none can be"
                    + " shown as " + container + "'s: the containers need docker's json-file log option tag: \"{{.Name}}\""
                    + " (infrastructure/server/docker-compose.prod.yml), then `docker compose up -d --force-recreate`");
        }
    }

    /**
     * {@code --since}: a Go duration before now (10m, 1h30m, 90s), a time (2026-01-31T12:00:00Z),
     * a date (2026-01-31; times without an offset are UTC) or Unix seconds, as {@code docker logs --since} takes them.
     */
    static Instant since(String text) {
        String value = text.strip();
        if (value.matches("([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+")) {
            Matcher m = DURATION.matcher(value);
            double millis = 0;
            while (m.find()) {
                double n = Double.parseDouble(m.group(1));
                millis += switch (m.group(2)) {
                    case "ns" -> n / 1e6;
                    case "us" -> n / 1e3;
                    case "ms" -> n;
                    case "s" -> n * 1e3;
                    case "m" -> n * 60e3;
                    default -> n * 3600e3;
                };
            }
            return Instant.now().minusMillis((long) millis);
        }
        try {
            if (value.matches("[0-9]+(\\.[0-9]+)?")) {
                return Instant.ofEpochMilli((long) (Double.parseDouble(value) * 1000));
            }
            if (value.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
                return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            String time = value.replace(' ', 'T');
            return time.matches(".*(Z|[+-][0-9:]+)$") ? OffsetDateTime.parse(time).toInstant()
                    : LocalDateTime.parse(time).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw MonetException.usage("--since wants a duration (10m, 2h) or a time (2026-01-31T12:00:00Z), got '" + text + "'");
        }
    }
}

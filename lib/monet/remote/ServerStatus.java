package monet.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import monet.text.TextTable;

/**
 * The server's state as {@code remote status} reports it (containers, disk, health answers), read
 * from the sectioned output of the host's status.sh, as JSON or a readable summary.
 */
final class ServerStatus {
    static final String SECTION = "==monet== ";
    static final String HTTP = "==monet-http== ";
    private final Map<String, List<String>> sections = new LinkedHashMap<>();
    private final List<String> paths;

    /**
     * @param output what the status script printed
     * @param paths  the paths df was asked about, in order (/, the data directory)
     */
    ServerStatus(String output, List<String> paths) {
        this.paths = paths;
        List<String> current = null;
        for (String line : output.lines().toList()) {
            if (line.startsWith(SECTION)) {
                current = new ArrayList<>();
                sections.put(line.substring(SECTION.length()).strip(), current);
            } else if (current != null) {
                current.add(line);
            }
        }
    }

    /** The report as JSON: containers, disk, api_version, ssr_health. */
    ObjectNode json(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        ArrayNode containers = root.putArray("containers");
        for (String line : sections.getOrDefault("containers", List.of())) {
            String[] f = line.split("\t", -1);
            if (f.length < 4) {
                continue;
            }
            int colon = f[3].lastIndexOf(':');
            boolean tagged = colon > f[3].lastIndexOf('/');
            containers.addObject().put("name", f[0]).put("state", f[1]).put("status", f[2]).put("image", f[3])
                    .put("tag", tagged ? f[3].substring(colon + 1) : "latest");
        }
        ArrayNode disk = root.putArray("disk");
        for (String line : sections.getOrDefault("disk", List.of())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || !f[1].matches("[0-9]+")) {
                continue;
            }
            String path = disk.size() < paths.size() ? paths.get(disk.size()) : f[5];
            disk.addObject().put("path", path).put("filesystem", f[0]).put("size_kb", Long.parseLong(f[1])).put("used_kb", Long.parseLong(f[2]))
                    .put("available_kb", Long.parseLong(f[3])).put("use_percent", f[4]).put("mounted_on", f[5]);
        }
        root.set("api_version", health(mapper, "api-version"));
        root.set("ssr_health", health(mapper, "ssr-health"));
        return root;
    }

    /** True when every container runs and both health endpoints answer 2xx. */
    boolean healthy() {
        ObjectNode json = json(new ObjectMapper());
        boolean running = !json.get("containers").isEmpty();
        for (JsonNode c : json.get("containers")) {
            running &= c.get("state").asText().equals("running");
        }
        return running && json.get("api_version").get("ok").asBoolean() && json.get("ssr_health").get("ok").asBoolean();
    }

    private ObjectNode health(ObjectMapper mapper, String name) {
        ObjectNode node = mapper.createObjectNode();
        List<String> lines = new ArrayList<>(sections.getOrDefault(name, List.of()));
        int code = 0;
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(HTTP)) {
                String value = lines.remove(i).substring(HTTP.length()).strip();
                code = value.matches("[0-9]+") ? Integer.parseInt(value) : 0;
                break;
            }
        }
        node.put("http_status", code);
        node.put("ok", code >= 200 && code < 300);
        node.put("body", String.join("\n", lines).strip());
        return node;
    }

    /** A readable summary, ending with a newline. */
    String text() {
        ObjectNode json = json(new ObjectMapper());
        TextTable containers = new TextTable().indent("  ");
        json.get("containers").forEach(c -> containers.row(c.get("name").asText(), c.get("state").asText(),
                c.get("tag").asText(), c.get("status").asText()));
        TextTable disk = new TextTable().indent("  ").alignRight(1);
        json.get("disk").forEach(d -> disk.row(d.get("path").asText(), d.get("use_percent").asText(),
                "used, " + human(d.get("available_kb").asLong()) + " free"));
        TextTable health = new TextTable();
        for (String name : List.of("api_version", "ssr_health")) {
            JsonNode h = json.get(name);
            health.row(name.replace('_', '-') + ":", h.get("http_status").asInt() == 0 ? "no answer"
                    : "HTTP " + h.get("http_status").asInt(), h.get("body").asText().replace('\n', ' '));
        }
        return "containers:\n" + (json.get("containers").isEmpty() ? "  (none)\n" : containers.render())
                + "disk:\n" + disk.render() + health.render();
    }

    private static String human(long kb) {
        if (kb >= 1024 * 1024) {
            return String.format("%.1f GB", kb / 1024.0 / 1024.0);
        }
        return String.format("%.0f MB", kb / 1024.0);
    }
}

package monet.remote;

import java.util.List;
import java.util.regex.Pattern;
import monet.MonetException;
import monet.config.Config;
import monet.process.Shell;

/**
 * The shell scripts {@code remote} runs on the host, built from the configuration. Every
 * user-supplied value reaches the host's shell through {@link Shell#quote} as exactly one
 * argument; values that name things (services, emails) are also validated first.
 */
public final class ServerScripts {
    /** A container or compose service name, as Docker allows them. */
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    /** An address: RFC 5322 atext local part (not starting with '-'), a dotted domain. */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~][A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))+");
    /** docker logs --since: a Go duration (10m, 1h30m) or a timestamp. */
    private static final Pattern SINCE = Pattern.compile("[0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h)([0-9]+(ns|us|ms|s|m|h))*|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9:]+)?)?|[0-9]+(\\.[0-9]+)?");
    private final Config config;

    public ServerScripts(Config config) {
        this.config = config;
    }

    /** The app container (the default service). */
    public String appContainer() {
        return config.get("app.container");
    }

    /** A checked service name (usage error otherwise). */
    public static String service(String name) {
        if (name == null || !SERVICE.matcher(name).matches()) {
            throw MonetException.usage("'" + name + "' is not a container or service name (letters, digits, '_', '.', '-')");
        }
        return name;
    }

    /** A checked email address (usage error otherwise). */
    public static String email(String address) {
        if (address == null || address.length() > 254 || !EMAIL.matcher(address).matches()) {
            throw MonetException.usage("'" + address + "' is not an email address");
        }
        return address;
    }

    /** {@code docker logs}: the last {@code lines} lines (negative: all), since a time if given. */
    public String logs(String service, int lines, String since, boolean timestamps) {
        StringBuilder script = new StringBuilder("docker logs");
        if (lines >= 0) {
            script.append(" --tail ").append(lines);
        }
        if (since != null && !since.isBlank()) {
            if (!SINCE.matcher(since).matches()) {
                throw MonetException.usage("--since wants a duration (10m, 2h) or a time (2026-01-31T12:00:00Z), got '" + since + "'");
            }
            script.append(" --since ").append(Shell.quote(since));
        }
        if (timestamps) {
            script.append(" --timestamps");
        }
        return script.append(' ').append(Shell.quote(service(service))).append(" 2>&1\n").toString();
    }

    /** Restarts one compose service. */
    public String restart(String service) {
        return "cd " + Shell.quote(config.get("app.dir")) + " && docker compose -f " + Shell.quote(config.get("app.compose.file"))
                + " restart " + Shell.quote(service(service)) + "\n";
    }

    /** Sections for {@link StatusReport}: containers, disk, the two health answers. */
    public String status() {
        String site = config.get("site.url").replaceAll("/+$", "");
        return "echo '" + StatusReport.SECTION + "containers'\n"
                + "docker ps -a --format " + Shell.quote("{{.Names}}\t{{.State}}\t{{.Status}}\t{{.Image}}") + "\n"
                + "echo '" + StatusReport.SECTION + "disk'\n"
                + "df -Pk / " + Shell.quote(config.get("data.dir")) + "\n"
                + health("api-version", site + "/api/version")
                + health("ssr-health", site + "/ssr-health");
    }

    private static String health(String name, String url) {
        return "echo '" + StatusReport.SECTION + name + "'\n"
                + "curl -sS -m 10 -w '\\n" + StatusReport.HTTP + "%{http_code}\\n' " + Shell.quote(url) + " 2>&1 || true\n";
    }

    /** The IMAGE_TAG line of the app's .env. */
    public String version() {
        String env = Shell.quote(config.get("app.dir") + "/.env");
        return "test -r " + env + " || { echo " + Shell.quote("no " + config.get("app.dir") + "/.env on the host") + " >&2; exit 1; }\n"
                + "sed -n 's/^IMAGE_TAG=//p' " + env + " | tail -n 1\n";
    }

    /** The migrations in the app container. */
    public String migrate() {
        return inContainer(config.get("app.migrate"));
    }

    /** A new invite code from the app's CLI. */
    public String createInvite() {
        return inContainer(config.get("app.cli.create-invite"));
    }

    /**
     * Creates a user: the password comes from the shell variable {@code $password} (a
     * {@link RemoteShell.RemoteCommand#secrets() secret}) through a builtin {@code printf} on the
     * container's stdin; the email reaches the app's CLI as {@code "$1"}.
     */
    public String createUser(String email, String passwordVariable) {
        return "printf '%s\\n' \"$" + passwordVariable + "\" | docker exec -i " + Shell.quote(appContainer())
                + " sh -c " + Shell.quote(config.get("app.cli.create-user") + " \"$1\"") + " sh " + Shell.quote(email(email)) + "\n";
    }

    /** A command line run by {@code sh -c} in the app container. */
    public String exec(List<String> words) {
        return inContainer(String.join(" ", words));
    }

    /** A command line run by {@code sh -c} on the host. */
    public String shell(List<String> words) {
        return "sh -c " + Shell.quote(String.join(" ", words)) + "\n";
    }

    /** sqlite3 on the database: read-only unless {@code write}; no SQL lists the tables. */
    public String db(String sql, boolean write, boolean json) {
        String db = Shell.quote(config.get("data.dir") + "/" + config.get("db.name"));
        String query = sql == null || sql.isBlank() ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;" : sql;
        return "test -f " + db + " || { echo " + Shell.quote("no database at " + config.get("data.dir") + "/" + config.get("db.name"))
                + " >&2; exit 1; }\n"
                + "sqlite3 -bail" + (write ? "" : " -readonly") + (json ? " -json" : "") + " " + db + " " + Shell.quote(query) + "\n";
    }

    private String inContainer(String commandLine) {
        return "docker exec " + Shell.quote(appContainer()) + " sh -c " + Shell.quote(commandLine) + "\n";
    }
}

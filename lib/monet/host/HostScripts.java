package monet.host;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import monet.MonetException;
import monet.config.Config;
import monet.config.Environment;
import monet.config.Keys;

/**
 * Every script that runs on the host, with its inputs from the configuration and the caller:
 * what {@code remote} and {@code release} send. Values that name things (services, emails, image
 * tags, registries) are checked here first, so a bad one is a usage error before anything is
 * sent; every value reaches the host's shell as one quoted assignment ({@link HostScript}).
 *
 * <p>The host's files, in {@code app.dir}: the compose file ({@code app.compose.file}) and
 * {@code nginx.conf} (from the deploy bucket's {@code config/}); {@code .env} ({@code IMAGE_TAG},
 * {@code ECR_REGISTRY} and the app's settings); {@code site/releases/NAME/} (one per deploy: its
 * config and web files) and {@code site/current}, the live one; {@value #LOCK}, the deploy lock
 * ({@code holder=... since=... action=...}, held by a release from its first host stage to the
 * end of verify); {@value #PREVIOUS}, the tag before the last deploy;
 * {@value #AUDIT}, one line per deploy, rollback, migrate, lock and unlock.
 */
public final class HostScripts {
    /** The deploy lock file in the app directory. */
    public static final String LOCK = ".deploy.lock";
    /** The previous image tag in the app directory. */
    public static final String PREVIOUS = ".previous-tag";
    /** The audit log in the app directory. */
    public static final String AUDIT = "deploy-audit.log";
    /** Exit code of a script that found the lock held. */
    public static final int LOCK_HELD = 75;
    /** The secret variable create-user's script reads the password from. */
    public static final String PASSWORD_VARIABLE = "MONET_PASSWORD";
    /** A container or compose service name, as Docker allows them. */
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    /** An address: RFC 5322 atext local part (not starting with '-'), a dotted domain. */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~][A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))+");
    /** docker logs --since: a Go duration (10m, 1h30m) or a timestamp. */
    private static final Pattern SINCE = Pattern.compile("[0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h)([0-9]+(ns|us|ms|s|m|h))*|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9:]+)?)?|[0-9]+(\\.[0-9]+)?");
    /** A Docker tag: SemVer fits. */
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    /** The name restore-db.sh keeps a replaced database under. */
    private static final Pattern REPLACED = Pattern.compile("replaced-[0-9]{8}T[0-9]{6}Z\\.db");
    /** A registry host, with a port and a path if any. */
    private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._/-]+)?");

    private final Config config;
    private final Supplier<String> region;
    private final String who;
    private final String commit;

    /**
     * The scripts for one caller.
     *
     * @param config the configuration (app.*, data.dir, db.name, site.url, ssr.container)
     * @param region the region of the host's aws CLI calls (ECR login, Parameter Store, S3), asked
     *               for only by the scripts that make such calls
     * @param who    who acts, for the lock and the audit log ({@link #who})
     * @param commit the commit being released, for the audit log ("-" when none)
     */
    public HostScripts(Config config, Supplier<String> region, String who, String commit) {
        this.config = config;
        this.region = region;
        this.who = who;
        this.commit = commit;
    }

    /** Who acts, for the lock and the audit log: {@code github:ACTOR/run-ID} in GitHub Actions, else user@host. */
    public static String who(Config config) {
        String actor = config.get(Environment.GITHUB_ACTOR);
        if (!actor.isEmpty()) {
            String run = config.get(Environment.GITHUB_RUN_ID);
            return "github:" + actor + (run.isEmpty() ? "" : "/run-" + run);
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return System.getProperty("user.name", "someone") + "@" + host;
    }

    /** The app container (the default service). */
    public String appContainer() {
        return config.get(Keys.APP_CONTAINER);
    }

    // ---- remote -------------------------------------------------------------------------------

    /** {@code docker logs}: the last {@code lines} lines (negative: all), since a time if given. */
    public HostScript logs(String service, int lines, String since, boolean timestamps) {
        if (since != null && !since.isBlank() && !SINCE.matcher(since).matches()) {
            throw MonetException.usage("--since wants a duration (10m, 2h) or a time (2026-01-31T12:00:00Z), got '" + since + "'");
        }
        return HostScript.of("logs").with("SERVICE", service(service)).with("LINES", Math.max(-1, lines))
                .with("SINCE", since == null ? "" : since.strip()).with("TIMESTAMPS", timestamps);
    }

    /** Restarts one compose service. */
    public HostScript restart(String service) {
        return HostScript.of("restart").with("APP_DIR", config.get(Keys.APP_DIR)).with("COMPOSE_FILE", config.get(Keys.APP_COMPOSE_FILE))
                .with("SERVICE", service(service));
    }

    /** Containers, disk and the two health answers, in the sections {@code remote status} reads. */
    public HostScript status() {
        return HostScript.of("status").with("APP_DIR", config.get(Keys.APP_DIR)).with("DATA_DIR", config.get(Keys.DATA_DIR))
                .with("SITE_URL", config.get(Keys.SITE_URL).replaceAll("/+$", ""));
    }

    /** The IMAGE_TAG line of the app's .env. */
    public HostScript version() {
        return HostScript.of("version").with("APP_DIR", config.get(Keys.APP_DIR));
    }

    /** A new invite code from the app's CLI, in the app container. */
    public HostScript createInvite() {
        return exec(config.get(Keys.APP_CLI_CREATE_INVITE));
    }

    /**
     * Creates a user: the password is the {@link RemoteShell.RemoteCommand#secrets() secret}
     * {@value #PASSWORD_VARIABLE}; the email reaches the app's CLI as {@code "$1"}.
     */
    public HostScript createUser(String email) {
        return HostScript.of("create-user").with("CONTAINER", appContainer())
                .with("COMMAND", config.get(Keys.APP_CLI_CREATE_USER)).with("EMAIL", email(email));
    }

    /** A command line run by {@code sh -c} in the app container. */
    public HostScript exec(List<String> words) {
        return exec(String.join(" ", words));
    }

    private HostScript exec(String commandLine) {
        return HostScript.of("exec").with("CONTAINER", appContainer()).with("COMMAND", commandLine);
    }

    /** A command line run by {@code sh -c} on the host. */
    public HostScript shell(List<String> words) {
        return HostScript.of("shell").with("COMMAND", String.join(" ", words));
    }

    /** Removes the output the SSM wrapper kept on the host for readers that never came: older than an hour, or all. */
    public HostScript keptOutput(boolean all) {
        return HostScript.of("ssm-leftovers").with("MONET_OLDER_THAN_MINUTES", all ? 0 : 60);
    }

    /** sqlite3 on the database in safe mode: read-only unless {@code write}; no SQL lists the tables. */
    public HostScript db(String sql, boolean write, boolean json) {
        String query = sql == null || sql.isBlank() ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;" : sql;
        return HostScript.of("db").with("DATABASE", config.get(Keys.DATA_DIR) + "/" + config.get(Keys.DB_NAME))
                .with("SQL", query).with("WRITE", write).with("JSON", json);
    }

    // ---- deploys: these share functions.sh ----------------------------------------------------

    /**
     * The migrations ({@code app.migrate}) in a one-off container of the API image at
     * {@code version}, with the app's secrets from Parameter Store ({@code app.parameters}) by
     * name only, under the deploy lock. {@code version} "" is the running one (no pull);
     * {@code registry} "" is .env's.
     */
    public HostScript migrate(String version, String registry) {
        return deploying("migrate").with("VERSION", version.isEmpty() ? "" : tag(version))
                .with("REGISTRY", registry.isEmpty() ? "" : registry(registry)).with("APP_SERVICE", service(appContainer()))
                .with("MIGRATE", config.get(Keys.APP_MIGRATE)).with("PARAMETERS", config.get(Keys.APP_PARAMETERS))
                .with("DATABASE", database()).with("BACKUPS", backups()).with("KEEP_BACKUPS", config.get(Keys.DB_BACKUPS));
    }

    /**
     * Puts the newest backup that {@link #migrate} took back into the database, under the lock,
     * with the API stopped (the rollback that follows starts it again). Refuses, unless
     * {@code force}, when the running version is not the one whose migrations the backup
     * preceded, or the audit log shows another version migrated or deployed since. {@code check}:
     * say which backup and whether it would be refused, change nothing.
     */
    public HostScript restoreDb(boolean check, boolean force) {
        return deploying("restore-db").with("DATABASE", database()).with("BACKUPS", backups())
                .with("APP_SERVICE", service(appContainer())).with("CHECK", check).with("FORCE", force)
                .with("UNDO", "").with("UNDO_VERSION", "");
    }

    /**
     * Undoes {@link #restoreDb}: puts {@code replaced} (the database it kept) back, while
     * {@code version} (the one the restore went back from) still runs, that is when the rollback
     * after the restore did not go through.
     */
    public HostScript undoRestoreDb(String replaced, String version) {
        if (!REPLACED.matcher(replaced).matches()) {
            throw MonetException.usage("'" + replaced + "' is not a database restore-db kept (replaced-YYYYMMDDTHHMMSSZ.db)");
        }
        return deploying("restore-db").with("DATABASE", database()).with("BACKUPS", backups())
                .with("APP_SERVICE", service(appContainer())).with("CHECK", false).with("FORCE", false)
                .with("UNDO", replaced).with("UNDO_VERSION", tag(version));
    }

    /** The database file on the host. */
    private String database() {
        return config.get(Keys.DATA_DIR).replaceAll("/+$", "") + "/" + config.get(Keys.DB_NAME);
    }

    /** Where the database's backups are kept: on the data volume, beside it. */
    private String backups() {
        return config.get(Keys.DATA_DIR).replaceAll("/+$", "") + "/backups";
    }

    /**
     * Deploy: the release's lock, a refusal unless {@code data.dir} is a mount point (unless
     * {@code data.require-mount=false}), the bucket's config and web into a new release
     * directory, pull, nginx -t, switch, up, reload nginx, record the previous tag, audit, prune
     * all but {@code deploy.keep-releases} releases.
     */
    public HostScript deploy(String version, String registry, String bucket) {
        if (bucket.isEmpty()) {
            throw MonetException.usage("deploy needs the deploy bucket: set deploy.bucket (--set deploy.bucket=NAME,"
                    + " MONET_DEPLOY_BUCKET, or monet.properties)");
        }
        return deploying("deploy").with("VERSION", tag(version)).with("REGISTRY", registry(registry)).with("BUCKET", bucket)
                .with("DATA_DIR", config.get(Keys.DATA_DIR)).with("REQUIRE_MOUNT", config.get(Keys.DATA_REQUIRE_MOUNT))
                .with("KEEP_RELEASES", config.get(Keys.DEPLOY_KEEP_RELEASES)).withAll(overlap());
    }

    /** Rollback: the kept release of the version or ("") the recorded previous one made live again, images, files and config. */
    public HostScript rollback(String version) {
        return deploying("rollback").with("VERSION", version.isEmpty() ? "" : tag(version)).withAll(overlap());
    }

    /**
     * OVERLAP and OVERLAP_TIMEOUT of deploy and rollback: {@code deploy.overlap}, each an app
     * service (app.container or ssr.container: nginx publishes the ports, so a second one could
     * not start), and {@code deploy.overlap-timeout} in seconds.
     */
    private Map<String, String> overlap() {
        List<String> apps = List.of(appContainer(), config.get(Keys.SSR_CONTAINER));
        for (String service : config.get(Keys.DEPLOY_OVERLAP)) {
            if (!apps.contains(service(service))) {
                throw MonetException.usage("deploy.overlap: '" + service + "' is not one of the app's services (" + String.join(", ", apps)
                        + ": app.container, ssr.container)");
            }
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("OVERLAP", String.join(" ", new java.util.LinkedHashSet<>(config.get(Keys.DEPLOY_OVERLAP))));
        inputs.put("OVERLAP_TIMEOUT", Long.toString(config.get(Keys.DEPLOY_OVERLAP_TIMEOUT).toSeconds()));
        return inputs;
    }

    /** Lock: take the deploy lock and keep it, with a reason. */
    public HostScript lock(String reason) {
        return deploying("lock").with("REASON", reason);
    }

    /** Unlock: release the lock if this caller took it, or whoever did with {@code force}. */
    public HostScript unlock(boolean force) {
        return deploying("unlock").with("FORCE", force);
    }

    /** The end of this caller's release (after verify or its rollback): gives back its lock, never a manual one. */
    public HostScript releaseDone() {
        return deploying("unlock").with("FORCE", false).with("RELEASE_DONE", true);
    }

    /** Cleanup: remove the registry's images other than the current and previous tags, then dangling ones; done when it returns. */
    public HostScript cleanup() {
        return deploying("cleanup");
    }

    /** What {@code release status} shows from the host: tags, lock, the last audit lines, containers. */
    public HostScript deployStatus(int auditLines) {
        return HostScript.of("deploy-status").with("APP_DIR", config.get(Keys.APP_DIR))
                .with("COMPOSE_FILE", config.get(Keys.APP_COMPOSE_FILE)).with("AUDIT_LINES", auditLines);
    }

    private HostScript deploying(String name) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("APP_DIR", config.get(Keys.APP_DIR));
        inputs.put("COMPOSE_FILE", config.get(Keys.APP_COMPOSE_FILE));
        inputs.put("SERVICES", String.join(" ", List.of(service("nginx"), service(appContainer()),
                service(config.get(Keys.SSR_CONTAINER)))));
        inputs.put("REGION", region.get());
        inputs.put("WHO", who);
        inputs.put("COMMIT", commit);
        return HostScript.of(name).withAll(inputs).using("functions");
    }

    // ---- checks -------------------------------------------------------------------------------

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

    /** A checked Docker tag (usage error otherwise). */
    static String tag(String version) {
        if (!TAG.matcher(version).matches()) {
            throw MonetException.usage("'" + version + "' is not a valid image tag");
        }
        return version;
    }

    private static String registry(String registry) {
        if (!REGISTRY.matcher(registry).matches()) {
            throw MonetException.usage("'" + registry + "' is not a registry host name");
        }
        return registry;
    }
}

package monet.release;

import java.util.List;
import java.util.regex.Pattern;
import monet.MonetException;
import monet.process.Shell;

/**
 * The POSIX sh scripts a release runs on the instance (through SSM, SSH or locally). They are
 * plain text so that {@code --dry-run} shows exactly what would be sent. Every value that
 * comes from a person or the configuration goes through {@link Shell#quote}. No secret is ever
 * part of a script: the ECR password and the app's secrets (SSM Parameter Store, under
 * {@code app.parameters}) are fetched on the instance with its role.
 *
 * <p>Host layout, under {@code app.dir}:
 * <ul>
 *   <li>the compose file ({@code app.compose.file}, {@code docker-compose.prod.yml}) and {@code nginx.conf}:
 *       from the deploy bucket's {@code config/} prefix;</li>
 *   <li>{@code .env}: {@code IMAGE_TAG} and {@code ECR_REGISTRY} (other lines are kept);</li>
 *   <li>{@code web/}: the frontend, from the deploy bucket's {@code web/} prefix;</li>
 *   <li>{@value #LOCK}: the deploy lock, one line {@code holder=... since=... action=...};</li>
 *   <li>{@value #PREVIOUS}: the {@code IMAGE_TAG} before the last deploy (what rollback goes back to);</li>
 *   <li>{@value #AUDIT}: one line per deploy, rollback, migrate, lock and unlock.</li>
 * </ul>
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
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    /**
     * Where and as whom the scripts act.
     *
     * @param appDir         the app directory on the host
     * @param composeFile    the compose file in it
     * @param region         AWS region for the instance's aws CLI calls
     * @param bucket         the deploy bucket ("" when unset: deploy refuses)
     * @param services       the compose services to pull and start
     * @param appService     the API's compose service (migrations run in it)
     * @param parameterPath  Parameter Store path of the app's secrets
     * @param migrateCommand the migration command line, in the app container ({@code app.migrate})
     * @param who            who acts, for the lock and the audit log
     * @param commit         the commit being released, for the audit log
     */
    public record Settings(String appDir, String composeFile, String region, String bucket, List<String> services, String appService,
                           String parameterPath, String migrateCommand, String who, String commit) {}

    private final Settings s;

    public HostScripts(Settings settings) {
        this.s = settings;
    }

    /** Deploy: lock, config and web from S3, switch IMAGE_TAG, pull, up, record previous tag, audit. */
    public String deploy(String version, String registry) {
        String v = tag(version);
        StringBuilder script = prelude();
        script.append("take_lock ").append(Shell.quote("deploy " + v)).append('\n');
        if (s.bucket().isEmpty()) {
            throw MonetException.usage("deploy needs the deploy bucket: set deploy.bucket (--set deploy.bucket=NAME,"
                    + " MONET_DEPLOY_BUCKET, or monet.properties)");
        } else {
            String bucket = "s3://" + s.bucket();
            script.append("aws s3 sync --region ").append(q(s.region())).append(' ').append(q(bucket + "/config/"))
                    .append(" \"$app/\" --only-show-errors\n");
            script.append("mkdir -p web && aws s3 sync --region ").append(q(s.region())).append(' ')
                    .append(q(bucket + "/web/")).append(" \"$app/web/\" --delete --only-show-errors\n");
        }
        script.append("previous=$(current_tag)\n");
        script.append("switch_to deploy ").append(q(v)).append(' ').append(q(registry(registry))).append('\n');
        script.append("if [ -n \"$previous\" ] && [ \"$previous\" != ").append(q(v)).append(" ]; then\n")
                .append("  printf '%s\\n' \"$previous\" > ").append(PREVIOUS).append(".new && mv -f ").append(PREVIOUS)
                .append(".new ").append(PREVIOUS).append('\n').append("fi\n");
        script.append("echo \"deployed=").append(v).append(" previous=$previous\"\n");
        return script.toString();
    }

    /** Rollback: lock, switch IMAGE_TAG to the given version or the recorded previous one, pull, up, audit. */
    public String rollback(String versionOrEmpty) {
        StringBuilder script = prelude();
        script.append("take_lock rollback\n");
        if (versionOrEmpty.isEmpty()) {
            script.append("target=$(cat ").append(PREVIOUS).append(" 2>/dev/null || true)\n")
                    .append("if [ -z \"$target\" ]; then echo \"no previous version recorded in $app/").append(PREVIOUS)
                    .append(": name the version to roll back to\" >&2; exit 1; fi\n");
        } else {
            script.append("target=").append(q(tag(versionOrEmpty))).append('\n');
        }
        script.append("from=$(current_tag)\n")
                .append("registry=$(sed -n 's/^ECR_REGISTRY=//p' .env | tail -n 1)\n")
                .append("switch_to rollback \"$target\" \"$registry\"\n")
                .append("echo \"rolled-back-to=$target from=$from\"\n");
        return script.toString();
    }

    /** Migrate: pull the version's API image and run the migrations in a one-off container with the app's secrets. */
    public String migrate(String version, String registry) {
        String v = tag(version);
        StringBuilder script = prelude();
        script.append("take_lock ").append(q("migrate " + v)).append('\n');
        script.append("ecr_login ").append(q(registry(registry))).append('\n');
        script.append("export IMAGE_TAG=").append(q(v)).append(" ECR_REGISTRY=").append(q(registry(registry))).append('\n');
        script.append("compose pull ").append(q(s.appService())).append('\n');
        script.append("# the app's secrets: read here with the instance role, passed by name only (-e NAME)\n");
        script.append("params=$(aws ssm get-parameters-by-path --region ").append(q(s.region())).append(" --path ")
                .append(q(s.parameterPath())).append(" --recursive --with-decryption")
                .append(" --query 'Parameters[].[Name,Value]' --output text)\n");
        script.append("tab=$(printf '\\t')\nnames=''\n");
        script.append("while IFS=\"$tab\" read -r name value; do\n")
                .append("  key=${name##*/}\n")
                .append("  case \"$key\" in ''|[!A-Za-z_]*|*[!A-Za-z0-9_]*) continue ;; esac\n")
                .append("  export \"$key=$value\"\n")
                .append("  names=\"$names -e $key\"\n")
                .append("done <<EOF\n$params\nEOF\n");
        List<String> argv = List.of(s.migrateCommand().trim().split("\\s+"));
        script.append("compose run --rm --no-deps $names ").append(q(s.appService())).append(' ')
                .append(Shell.join(argv)).append('\n');
        script.append("audit \"action=migrate version=").append(v).append(" result=ok\"\n");
        script.append("echo \"migrated=").append(v).append("\"\n");
        return script.toString();
    }

    /** Status: running tag, previous tag, lock, last audit lines, containers. */
    public String status(int auditLines) {
        return "app=" + q(s.appDir()) + "\ncd \"$app\" || exit 1\n"
                + "echo \"image_tag=$(sed -n 's/^IMAGE_TAG=//p' .env 2>/dev/null | tail -n 1)\"\n"
                + "echo \"ecr_registry=$(sed -n 's/^ECR_REGISTRY=//p' .env 2>/dev/null | tail -n 1)\"\n"
                + "echo \"previous_tag=$(cat " + PREVIOUS + " 2>/dev/null)\"\n"
                + "if [ -f " + LOCK + " ]; then echo \"lock=$(cat " + LOCK + ")\"; else echo 'lock=free'; fi\n"
                + "echo '--- audit (last " + auditLines + ")'\n"
                + "tail -n " + auditLines + " " + AUDIT + " 2>/dev/null || echo '(no audit log yet)'\n"
                + "echo '--- containers'\n"
                + "docker compose -f " + q(s.composeFile()) + " ps 2>&1 || true\n";
    }

    /** Lock: take the deploy lock and keep it, with a reason. */
    public String lock(String reason) {
        return prelude() + "take_lock " + q("manual: " + reason) + " keep\n"
                + "audit " + q("action=lock reason=" + reason.replaceAll("\\s+", "_")) + "\n"
                + "echo \"locked: $(cat " + LOCK + ")\"\n";
    }

    /** Unlock: release the lock if this holder took it, or whoever did with {@code force}. */
    public String unlock(boolean force) {
        return prelude()
                + "if [ ! -f " + LOCK + " ]; then echo 'not locked'; exit 0; fi\n"
                + "held=$(cat " + LOCK + ")\n"
                + (force ? "" : "case \"$held\" in \"holder=$who \"*) ;; *) echo \"the deploy lock is held by someone"
                        + " else: $held (unlock --force breaks it)\" >&2; exit " + LOCK_HELD + " ;; esac\n")
                + "rm -f " + LOCK + "\n"
                + "audit \"action=unlock forced=" + (force ? "yes" : "no") + " was=[$held]\"\n"
                + "echo \"unlocked (was: $held)\"\n";
    }

    /** Cleanup: remove images of the registry other than the current and previous tags, in the background. */
    public String cleanup() {
        return prelude()
                + "current=$(current_tag)\nprevious=$(cat " + PREVIOUS + " 2>/dev/null || true)\n"
                + "registry=$(sed -n 's/^ECR_REGISTRY=//p' .env | tail -n 1)\n"
                + "nohup sh -c '\n"
                + "  docker images --format \"{{.Repository}}:{{.Tag}}\" \\\n"
                + "    | awk -F: -v r=\"$1/\" -v a=\"$2\" -v b=\"$3\" \"index(\\$0, r) == 1 && \\$NF != a && \\$NF != b && \\$NF != \\\"latest\\\"\" \\\n"
                + "    | xargs -r docker rmi\n"
                + "  docker image prune -f\n"
                + "' cleanup \"$registry\" \"$current\" \"$previous\" >/dev/null 2>&1 </dev/null &\n"
                + "echo \"pruning images of $registry other than ${current:-?} and ${previous:-?} in the background (pid $!)\"\n";
    }

    private StringBuilder prelude() {
        StringBuilder script = new StringBuilder();
        script.append("set -eu\n")
                .append("app=").append(q(s.appDir())).append("\ncd \"$app\"\n")
                .append("who=").append(q(s.who())).append('\n')
                .append("now() { date -u +%Y-%m-%dT%H:%M:%SZ; }\n")
                .append("audit() { printf '%s %s who=%s commit=%s\\n' \"$(now)\" \"$1\" \"$who\" ")
                .append(q(s.commit())).append(" >> ").append(AUDIT).append("; }\n")
                .append("take_lock() {\n")
                .append("  if ! (set -C; printf 'holder=%s since=%s action=%s\\n' \"$who\" \"$(now)\" \"$1\" > ")
                .append(LOCK).append(") 2>/dev/null; then\n")
                .append("    echo \"the deploy lock is held: $(cat ").append(LOCK).append(" 2>/dev/null)\" >&2; exit ")
                .append(LOCK_HELD).append('\n')
                .append("  fi\n")
                .append("  [ \"${2:-}\" = keep ] || trap 'rm -f \"$app/").append(LOCK).append("\"' EXIT\n")
                .append("}\n")
                .append("compose() { docker compose -f ").append(q(s.composeFile())).append(" \"$@\"; }\n")
                .append("current_tag() { sed -n 's/^IMAGE_TAG=//p' .env 2>/dev/null | tail -n 1; }\n")
                .append("ecr_login() {\n")
                .append("  password=$(aws ecr get-login-password --region ").append(q(s.region())).append(")\n")
                .append("  printf '%s' \"$password\" | docker login --username AWS --password-stdin \"$1\" >/dev/null\n")
                .append("}\n")
                .append("set_env() {\n")
                .append("  [ -f .env ] || (umask 077 && : > .env)\n")
                .append("  cp -p .env .env.new\n")
                .append("  awk -v tag=\"$1\" -v reg=\"$2\" '/^IMAGE_TAG=/ { print \"IMAGE_TAG=\" tag; t = 1; next }\n")
                .append("    /^ECR_REGISTRY=/ { print \"ECR_REGISTRY=\" reg; r = 1; next } { print }\n")
                .append("    END { if (!t) print \"IMAGE_TAG=\" tag; if (!r) print \"ECR_REGISTRY=\" reg }' .env > .env.new\n")
                .append("  mv -f .env.new .env\n")
                .append("}\n")
                .append("switch_to() {\n")
                .append("  before=$(current_tag)\n")
                .append("  [ -f .env ] && cp -p .env .env.before || rm -f .env.before\n")
                .append("  set_env \"$2\" \"$3\"\n")
                .append("  if ! { ecr_login \"$3\" && compose pull ").append(Shell.join(s.services()))
                .append(" && compose up -d ").append(Shell.join(s.services())).append("; }; then\n")
                .append("    echo \"$1 of $2 failed: putting IMAGE_TAG=${before:-none} back\" >&2\n")
                .append("    if [ -f .env.before ]; then mv -f .env.before .env; fi\n")
                .append("    compose up -d ").append(Shell.join(s.services())).append(" || true\n")
                .append("    audit \"action=$1 version=$2 previous=${before:-none} result=failed\"\n")
                .append("    exit 1\n")
                .append("  fi\n")
                .append("  rm -f .env.before\n")
                .append("  audit \"action=$1 version=$2 previous=${before:-none} result=ok\"\n")
                .append("}\n");
        return script;
    }

    private static String q(String value) {
        return Shell.quote(value);
    }

    /** A Docker tag: SemVer fits; anything else is refused before it reaches a script. */
    static String tag(String version) {
        if (!TAG.matcher(version).matches()) {
            throw MonetException.usage("'" + version + "' is not a valid image tag");
        }
        return version;
    }

    private static String registry(String registry) {
        if (!registry.matches("[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._/-]+)?")) {
            throw MonetException.usage("'" + registry + "' is not a registry host name");
        }
        return registry;
    }
}

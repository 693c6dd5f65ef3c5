package monet.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.testing.Moto;
import monet.testing.Repo;
import monet.testing.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * user_data.sh's whole bootstrap, run twice as on a server: first by cloud-init before the
 * network is there, then by hand as the installed {@code monet-bootstrap}. Real: bash, the data
 * volume (a loop device over an image file: mkfs, blkid, mount), the aws CLI against moto (the
 * deploy bucket, the app's SecureString parameters), sha256sum, openssl, systemd-analyze on the
 * units it writes. Stand-ins, on PATH, for what needs a real EC2 host: curl answers IMDS like
 * IMDSv2 (404 on meta-data/public-ipv4 until the Elastic IP is there) and serves the Compose
 * release asset; dnf fails like a host without a network first; systemctl, usermod, docker
 * (certbot) and the CloudWatch agent record their calls. The script's paths are pointed into the
 * sandbox after sourcing it (its constants), and the volume's lookup returns the loop device.
 */
class BootstrapTest {
    static final Path USER_DATA = Repo.file("infrastructure/user_data.sh");
    static final String BUCKET = "monet-deploy-123456789012";
    static final String HOST = "monet.dmfenton.net";

    @TempDir
    Path root;
    Path bin;
    Path state;
    Path tags;
    Path compose;
    String loop;
    ServerSocket nginx;

    @BeforeEach
    void sandbox() throws Exception {
        bin = Files.createDirectories(root.resolve("bin"));
        state = Files.createDirectories(root.resolve("state"));
        tags = Files.createDirectories(root.resolve("tags"));
        compose = root.resolve("docker-compose-release-asset");
        Files.writeString(compose, "#!/bin/sh\necho 'Docker Compose version v2.29.7'\n");
        stub("curl", """
                # IMDSv2 and the Compose release, as a fresh EC2 instance sees them.
                printf '%s\\n' "$*" >>"$STATE/curl.calls"
                out=""; url=""
                while [ $# -gt 0 ]; do
                  case "$1" in -o) out=$2; shift ;; http*) url=$1 ;; esac
                  shift
                done
                case "$url" in
                  */latest/api/token) echo token ;;
                  */meta-data/public-ipv4)
                    n=$(( $(cat "$STATE/ipv4.asked" 2>/dev/null || echo 0) + 1 )); echo "$n" >"$STATE/ipv4.asked"
                    [ "$n" -gt "${NETWORK_LATE_BY:-0}" ] || { echo "curl: (22) The requested URL returned error: 404" >&2; exit 22; }
                    echo 203.0.113.10 ;;
                  */meta-data/placement/region) echo us-east-1 ;;
                  */meta-data/tags/instance/*)
                    tag=${url##*/}
                    [ -f "$TAGS/$tag" ] || { echo "curl: (22) The requested URL returned error: 404" >&2; exit 22; }
                    cat "$TAGS/$tag" ;;
                  https://github.com/docker/compose/releases/download/*/docker-compose-linux-*)
                    [ -n "$out" ] || exit 2
                    cp "$COMPOSE_ASSET" "$out" ;;
                  *) echo "curl: (6) Could not resolve host: ${url#*//}" >&2; exit 6 ;;
                esac
                """);
        stub("dnf", """
                n=$(( $(cat "$STATE/dnf.runs" 2>/dev/null || echo 0) + 1 )); echo "$n" >"$STATE/dnf.runs"
                if [ "$n" -le "${DNF_FAILS:-0}" ]; then
                  echo "Curl error (6): Couldn't resolve host name for https://cdn.amazonlinux.com/al2023/core/mirrors/latest/x86_64/mirror.list" >&2
                  exit 1
                fi
                printf '%s\\n' "$*" >>"$STATE/dnf.calls"
                """);
        stub("usermod", "printf '%s\\n' \"$*\" >>\"$STATE/usermod.calls\"\n");
        // Records each call and whether the data volume was mounted at that moment.
        stub("systemctl", "printf '%s mounted=%s\\n' \"$*\" \"$(mountpoint -q \"$DATA\" && echo yes || echo no)\" >>\"$STATE/systemctl.calls\"\n");
        stub("docker", """
                printf '%s\\n' "$*" >>"$STATE/docker.calls"
                if [ "$1" = run ] && [ -n "${CERTBOT_FAILS:-}" ]; then
                  echo "Certbot failed to authenticate some domains (authenticator: standalone)." >&2
                  exit 1
                fi
                if [ "$1" = run ]; then
                  for arg in "$@"; do
                    case "$arg" in *:/etc/letsencrypt) live=${arg%%:*}/live/$SITE_HOST ;; esac
                  done
                  mkdir -p "$live"
                  echo "LE KEY" >"$live/privkey.pem"; echo "LE CHAIN" >"$live/fullchain.pem"
                fi
                """);
        Path agent = Files.createDirectories(root.resolve("opt/amazon-cloudwatch-agent/bin"));
        Files.createDirectories(root.resolve("opt/amazon-cloudwatch-agent/etc"));
        stub(agent.resolve("amazon-cloudwatch-agent-ctl"), "printf '%s\\n' \"$*\" >>\"$STATE/agent.calls\"\n");

        tag("DataVolumeId", "vol-0a1b2c3d4e5f60718");
        tag("AppLogGroup", "/monet/app");
        tag("DeployBucket", BUCKET);
        tag("SiteHost", HOST);
        tag("AppParameters", "/monet/app/");
        tag("EcrRegistry", "123456789012.dkr.ecr.us-east-1.amazonaws.com");
        tag("ComposeVersion", "v2.29.7");
        tag("ComposeSha256", "aarch64=" + "0".repeat(64) + " x86_64=" + sha256(compose));
    }

    @AfterEach
    void release() throws IOException {
        if (nginx != null) {
            nginx.close();
        }
        if (loop != null) {
            Cmd.of("umount", root.resolve("data").toString()).nothrow().run();
            Cmd.of("losetup", "-d", loop).nothrow().run();
        }
    }

    @Test
    void aFirstBootBeforeTheNetworkThenARunByHandAsTheInstalledCopy() throws Exception {
        loop = loopDevice();
        Moto moto = Moto.get();
        moto.reset();
        awsCli(moto, "s3api", "create-bucket", "--bucket", BUCKET);
        Path config = Files.writeString(root.resolve("docker-compose.prod.yml"), "services: {}\n");
        Path index = Files.writeString(root.resolve("index.html"), "<html>monet</html>\n");
        awsCli(moto, "s3", "cp", config.toString(), "s3://" + BUCKET + "/config/docker-compose.prod.yml");
        awsCli(moto, "s3", "cp", index.toString(), "s3://" + BUCKET + "/web/index.html");
        awsCli(moto, "ssm", "put-parameter", "--name", "/monet/app/DATABASE_URL", "--type", "SecureString",
                "--value", "sqlite:////app/data/code_monet.db");

        // cloud-init runs the user data from its own copy; the network comes 3 answers late, dnf fails twice.
        Path cloudInit = Files.createDirectories(root.resolve("var/lib/cloud/instance/scripts")).resolve("part-001");
        Files.copy(USER_DATA, cloudInit);
        CmdResult first = run(moto, cloudInit, Map.of("NETWORK_LATE_BY", "3", "DNF_FAILS", "2"));
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(first.stderr()).contains("no public address yet").contains("public address 203.0.113.10")
                .contains("attempt 1 of 6 failed: dnf", "attempt 2 of 6 failed: dnf").contains("is blank: creating xfs")
                .contains("certificate for monet.dmfenton.net (standalone)");
        assertThat(Files.readString(state.resolve("ipv4.asked")).strip()).isEqualTo("4");
        assertThat(Files.readAllLines(state.resolve("dnf.calls"))).containsExactly("install -y -q docker amazon-cloudwatch-agent openssl");

        Path self = root.resolve("sbin/monet-bootstrap");
        assertThat(Files.readString(self)).isEqualTo(Files.readString(USER_DATA));
        assertThat(Files.getPosixFilePermissions(self)).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        Path plugin = root.resolve("cli-plugins/docker-compose");
        assertThat(Files.readString(plugin)).isEqualTo(Files.readString(compose));
        assertThat(plugin).isExecutable();

        // Docker starts only with the data volume mounted, now and at every boot.
        assertThat(Files.readAllLines(state.resolve("systemctl.calls")))
                .containsSubsequence("daemon-reload mounted=yes", "enable --now docker monet-certificate.timer mounted=yes");
        Path units = root.resolve("units");
        assertThat(Files.readString(units.resolve("docker.service.d/monet-data-volume.conf")))
                .contains("RequiresMountsFor=" + root.resolve("data"));
        assertThat(Files.readString(units.resolve("monet-certificate.service"))).contains("ExecStart=" + self + " certificate");
        verifyUnits(units);
        assertThat(Files.readAllLines(root.resolve("fstab"))).singleElement().asString().endsWith(root.resolve("data") + " xfs defaults,nofail 0 2");

        String agentConfig = Files.readString(root.resolve("opt/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json"));
        assertThat(InfraPolicy.parse(agentConfig).at("/logs/logs_collected/files/collect_list/0/log_group_name").asText()).isEqualTo("/monet/app");
        assertThat(agentConfig).doesNotContain("retention_in_days");
        assertThat(root.resolve("app/docker-compose.prod.yml")).hasContent("services: {}");
        assertThat(root.resolve("app/web/index.html")).hasContent("<html>monet</html>");
        assertThat(Files.readAllLines(root.resolve("app/.env"))).containsExactly("DATABASE_URL=sqlite:////app/data/code_monet.db",
                "ECR_REGISTRY=123456789012.dkr.ecr.us-east-1.amazonaws.com");
        assertThat(root.resolve("data/certs/fullchain.pem")).hasContent("LE CHAIN");
        assertThat(Files.getPosixFilePermissions(root.resolve("data/certs/privkey.pem"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(state.resolve("docker.calls"))).contains("run --rm -p " + nginxPort() + ":80 ")
                .contains("certonly --standalone -d monet.dmfenton.net");

        // Between the runs: the release deployed (IMAGE_TAG), wrote to the database, and nginx answers on HTTP.
        Files.writeString(root.resolve("app/.env"), "IMAGE_TAG=v1.4.0\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(root.resolve("data/code_monet.db"), "drawings");
        nginx = new ServerSocket(nginxPort(), 1, InetAddress.getLoopbackAddress());
        Files.delete(state.resolve("docker.calls"));
        long downloads = Files.readAllLines(state.resolve("curl.calls")).stream().filter(c -> c.contains("github.com")).count();

        CmdResult second = run(moto, self, Map.of());
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(second.stderr()).contains("already has a filesystem: keeping it", "docker-compose v2.29.7 already installed",
                "certificate for monet.dmfenton.net (webroot)").doesNotContain("creating xfs").doesNotContain("no public address yet");
        assertThat(Files.readAllLines(state.resolve("curl.calls")).stream().filter(c -> c.contains("github.com")).count()).isEqualTo(downloads);
        assertThat(root.resolve("data/code_monet.db")).hasContent("drawings");
        assertThat(Files.readAllLines(root.resolve("fstab"))).hasSize(1);
        assertThat(Files.readAllLines(root.resolve("app/.env"))).containsExactly("ECR_REGISTRY=123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "IMAGE_TAG=v1.4.0", "DATABASE_URL=sqlite:////app/data/code_monet.db");
        assertThat(Files.readString(state.resolve("docker.calls"))).contains("certonly --webroot -w /var/www/certbot -d monet.dmfenton.net")
                .doesNotContain("-p " + nginxPort());
        assertThat(Files.readString(self)).isEqualTo(Files.readString(USER_DATA));
    }

    @Test
    void withoutANetworkTheBootstrapGivesUpClearly() throws IOException {
        CmdResult result = function("wait_for_network 3 1", Map.of("NETWORK_LATE_BY", "100"));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains("error: no public address after 3s: is the Elastic IP associated?");
        assertThat(Files.readString(state.resolve("ipv4.asked")).strip()).isEqualTo("4");
    }

    @Test
    void retryStopsAtItsLimitAndSaysSo() throws IOException {
        CmdResult gaveUp = function("retry 3 0 dnf install -y docker", Map.of("DNF_FAILS", "5"));
        assertThat(gaveUp.exitCode()).isEqualTo(1);
        assertThat(gaveUp.stderr()).contains("attempt 1 of 3 failed: dnf", "attempt 2 of 3 failed: dnf", "gave up after 3 attempts: dnf");
        assertThat(Files.readString(state.resolve("dnf.runs")).strip()).isEqualTo("3");
    }

    @Test
    void aComposeBinaryWithAnotherChecksumIsNotInstalled() throws IOException {
        Files.writeString(compose, "#!/bin/sh\necho 'not what was pinned'\n");
        Path plugins = root.resolve("cli-plugins");
        CmdResult result = function("install_compose v2.29.7 \"$(cat \"$TAGS/ComposeSha256\")\" " + plugins, Map.of());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains("docker-compose v2.29.7 for x86_64 has SHA-256 " + sha256(compose) + ", expected ");
        try (var left = Files.list(plugins)) {
            assertThat(left).isEmpty();
        }
        CmdResult noArch = function("install_compose v2.29.7 'aarch64=" + "0".repeat(64) + "' " + plugins, Map.of());
        assertThat(noArch.exitCode()).isEqualTo(1);
        assertThat(noArch.stderr()).contains("no Compose checksum for x86_64 in ComposeSha256");
    }

    @Test
    void withoutLetsEncryptTheBootstrapGoesOnWithThePlaceholder() throws IOException {
        // The bootstrap asks in an if/|| context, where set -e does not stop a function on its own.
        CmdResult result = function("ensure_certificate " + HOST + "\nif issue_certificate; then echo issued; else echo kept; fi",
                Map.of("CERTBOT_FAILS", "yes"));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout().strip()).isEqualTo("kept");
        assertThat(result.stderr()).contains("gave up after 4 attempts: docker").doesNotContain("install:");
        assertThat(Files.readString(root.resolve("data/certs/fullchain.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void aScriptNotReadFromAFileDoesNotInstallItself() {
        CmdResult piped = Cmd.of("bash", "-c", "source \"$1\"; install_self \"$2\"", "bash", USER_DATA.toString(),
                root.resolve("sbin/monet-bootstrap").toString()).nothrow().run();
        assertThat(piped.exitCode()).as(piped.stderr()).isZero();
        assertThat(piped.stderr()).contains("not installing");
        assertThat(root.resolve("sbin/monet-bootstrap")).doesNotExist();
    }

    // --- helpers ---------------------------------------------------------------------------

    /** Sources user_data.sh as SCRIPT_NAME ($0), points its paths into the sandbox, and runs main (bootstrap). */
    private CmdResult run(Moto moto, Path scriptName, Map<String, String> env) {
        String script = "set -euo pipefail\nsource \"$1\"\n" + sandboxPaths()
                + "find_data_device() { printf '%s\\n' \"$LOOP\"; }\n"
                + "main bootstrap\n";
        Map<String, String> aws = new java.util.HashMap<>(moto.env());
        aws.remove("AWS_PROFILE");
        Cmd cmd = Cmd.of("bash", "-c", script, scriptName.toString(), USER_DATA.toString()).nothrow().env("LOOP", loop).env(aws);
        return sandboxEnv(cmd, env).run();
    }

    /** Sources user_data.sh with the sandbox's paths and stand-ins and runs SHELL_CODE. */
    private CmdResult function(String shellCode, Map<String, String> env) {
        return sandboxEnv(Cmd.of("bash", "-c", "set -euo pipefail\nsource \"$1\"\n" + sandboxPaths() + shellCode, "bash",
                USER_DATA.toString()).nothrow(), env).run();
    }

    private String sandboxPaths() {
        return "APP_USER=$(id -un)\nAPP_DIR=" + root.resolve("app") + "\nDATA_DIR=" + root.resolve("data") + "\nCERT_DIR=$DATA_DIR/certs\n"
                + "ACME_DIR=$DATA_DIR/acme\nSELF=" + root.resolve("sbin/monet-bootstrap") + "\nFSTAB=" + root.resolve("fstab")
                + "\nUNIT_DIR=" + root.resolve("units") + "\nCOMPOSE_PLUGINS=" + root.resolve("cli-plugins") + "\nCLOUDWATCH_AGENT="
                + root.resolve("opt/amazon-cloudwatch-agent") + "\nHTTP_PORT=" + nginxPort() + "\nCERTBOT_WAIT=0\nmkdir -p \"$UNIT_DIR\"\n";
    }

    private Cmd sandboxEnv(Cmd cmd, Map<String, String> env) {
        return cmd.env("PATH", bin + ":" + System.getenv("PATH")).env("STATE", state.toString()).env("TAGS", tags.toString())
                .env("COMPOSE_ASSET", compose.toString()).env("SITE_HOST", HOST).env("DATA", root.resolve("data").toString()).env(env);
    }

    private int port;

    /** A loopback port for "nginx" (HTTP_PORT), the same for the whole test. */
    private int nginxPort() {
        if (port == 0) {
            port = Moto.freePort();
        }
        return port;
    }

    private void verifyUnits(Path units) throws IOException {
        Tools.require("systemd-analyze");
        Files.writeString(units.resolve("docker.service"), "[Unit]\nDescription=Docker (stand-in for the package's unit)\n[Service]\nExecStart=/bin/true\n");
        for (String unit : List.of("docker.service", "monet-certificate.service", "monet-certificate.timer")) {
            CmdResult verify = Cmd.of("systemd-analyze", "verify", units.resolve(unit).toString()).env("SYSTEMD_UNIT_PATH", units + ":")
                    .nothrow().run();
            assertThat(verify.exitCode()).as(unit + ": " + verify.stderr()).isZero();
            assertThat(verify.stderr()).as(unit).isEmpty();
        }
    }

    private static void awsCli(Moto moto, String... args) {
        List<String> argv = new ArrayList<>(List.of("aws"));
        argv.addAll(List.of(args));
        Map<String, String> env = new java.util.HashMap<>(moto.env());
        env.remove("AWS_PROFILE");
        Cmd.of(argv).env(env).run();
    }

    private String loopDevice() throws IOException {
        Tools.require("losetup");
        Tools.require("mkfs.xfs");
        // Sparse: mkfs.xfs wants at least 300 MB, the disk holds only what is written.
        Path image = root.resolve("data.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(320L * 1024 * 1024);
        }
        CmdResult attached = Cmd.of("losetup", "--find", "--show", image.toString()).nothrow().run();
        org.junit.jupiter.api.Assumptions.assumeTrue(attached.exitCode() == 0 || "true".equals(System.getenv("CI")),
                "no loop devices here: " + attached.stderr());
        assertThat(attached.exitCode()).as("losetup: " + attached.stderr()).isZero();
        return attached.stdout().strip();
    }

    private void tag(String name, String value) throws IOException {
        Files.writeString(tags.resolve(name), value + "\n");
    }

    private void stub(String name, String body) throws IOException {
        stub(bin.resolve(name), body);
    }

    private static void stub(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

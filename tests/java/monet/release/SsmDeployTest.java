package monet.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import monet.host.HostScripts;
import monet.process.CmdResult;
import monet.testing.HostSandbox;
import monet.testing.JBang;
import monet.testing.Moto;
import monet.testing.Repo;
import monet.testing.SsmEndpoint;
import monet.testing.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * migrate, deploy, verify and rollback through the real {@code ./jbang release --via ssm} against
 * the SSM test endpoint, which really runs the scripts on its sandbox host (with the release's
 * docker stand-in and the real aws CLI against moto for S3, ECR and Parameter Store).
 */
class SsmDeployTest {
    @TempDir
    Path tmp;
    SsmEndpoint ssm;
    HostSandbox host;
    FakeSite site;
    final String bucket = "deploy-" + UUID.randomUUID().toString().substring(0, 8);
    final String parameters = "/monet-" + UUID.randomUUID().toString().substring(0, 8) + "/app/";
    final String secret = "postgres://app:s3cr3t-" + UUID.randomUUID() + "@db/app";

    @BeforeEach
    void setUp() throws Exception {
        Tools.require("aws");
        ssm = SsmEndpoint.start(tmp.resolve("host")).proxyTo(Moto.get().endpoint());
        host = ssm.host();
        Files.copy(Repo.file("tests/release/bin/docker"), host.dir().resolve("bin/docker"), StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(host.dir().resolve("release-docker"));
        Files.writeString(host.dir().resolve("release-docker/running"), HostSandbox.IMAGE_TAG + "\n");
        site = new FakeSite(host.dir().resolve("release-docker"));
        monet.process.Cmd setupCmd = monet.process.Cmd.shell("unset AWS_PROFILE; aws s3 mb s3://" + bucket
                + " && printf 'services: {}\\n' | aws s3 cp - s3://" + bucket + "/config/" + Sandbox.COMPOSE
                + " && printf 'events {}\\n' | aws s3 cp - s3://" + bucket + "/config/nginx.conf"
                + " && printf '<html>1.5.0</html>' | aws s3 cp - s3://" + bucket + "/web/index.html"
                + " && aws ssm put-parameter --type SecureString --name " + parameters + "DATABASE_URL --value \"$SECRET\" >/dev/null")
                .env("SECRET", secret).nothrow().env(Moto.get().env());
        CmdResult setup = setupCmd.run();
        assertThat(setup.exitCode()).as(setup.stderr()).isZero();
    }

    @AfterEach
    void tearDown() {
        site.close();
        ssm.close();
    }

    private CmdResult release(String... args) {
        Map<String, String> env = new HashMap<>(ssm.env());
        env.put("MONET_SITE_URL", site.url());
        env.put("MONET_APP_DIR", host.appDir().toString());
        env.put("MONET_DEPLOY_BUCKET", bucket);
        env.put("MONET_APP_PARAMETERS", parameters);
        env.put("MONET_VERIFY_TIMEOUT", "3");
        env.put("MONET_DATA_REQUIRE_MOUNT", "false"); // the sandbox's data is a plain directory
        String[] all = new String[args.length + 3];
        all[0] = "release";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--instance";
        all[args.length + 2] = SsmEndpoint.DEFAULT_INSTANCE;
        return JBang.run(all).env(env).call();
    }

    @Test
    void migrateDeployVerifyAndRollBackOverSsm() throws Exception {
        CmdResult migrate = release("migrate", "--version", "1.5.0");
        assertThat(migrate.exitCode()).as(migrate.stderr()).isZero();
        assertThat(Files.readString(host.dir().resolve("release-docker/run-env"))).isEqualTo("DATABASE_URL=" + secret + "\n");

        CmdResult deploy = release("deploy", "--version", "1.5.0");
        assertThat(deploy.exitCode()).as(deploy.stderr()).isZero();
        String env = Files.readString(host.appDir().resolve(".env"));
        assertThat(env).contains("IMAGE_TAG=1.5.0\n", "ECR_REGISTRY=123456789012.dkr.ecr.us-east-1.amazonaws.com\n");
        assertThat(Files.readString(host.appDir().resolve(HostScripts.PREVIOUS))).isEqualTo(HostSandbox.IMAGE_TAG + "\n");
        assertThat(Files.readString(host.appDir().resolve(HostScripts.AUDIT)))
                .contains("action=migrate version=1.5.0 result=ok", "action=deploy version=1.5.0 previous=" + HostSandbox.IMAGE_TAG);
        assertThat(Files.readString(host.appDir().resolve(HostScripts.LOCK))).contains("action=release version=1.5.0 stage=migrate");

        site.breakVersion("1.5.0");
        CmdResult verify = release("verify", "--version", "1.5.0");
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.stderr()).contains("verification of 1.5.0 failed", "/ssr-health: 503", "rolled back: deploy (now " + HostSandbox.IMAGE_TAG);
        assertThat(Files.readString(host.appDir().resolve(".env"))).contains("IMAGE_TAG=" + HostSandbox.IMAGE_TAG + "\n");
        assertThat(host.appDir().resolve(HostScripts.LOCK)).as("the release ended with the rollback").doesNotExist();

        String sent = String.join("\n", ssm.scripts());
        assertThat(ssm.count("SendCommand")).isGreaterThanOrEqualTo(3);
        assertThat(sent).contains("VERSION=1.5.0\n", "take_lock deploy").doesNotContain(secret).doesNotContain("auth-token");
    }
}

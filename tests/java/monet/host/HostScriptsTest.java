package monet.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import monet.MonetException;
import monet.config.Config;
import monet.host.RemoteShell.RemoteCommand;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.testing.Repo;
import monet.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host scripts: shellcheck on each file and on each script as it is sent, inputs kept out of the text. */
class HostScriptsTest {
    static final Path DIR = Repo.file("lib/monet/host");
    static final String HOSTILE = "x'; touch PWNED; echo '$(touch PWNED)`touch PWNED`\n\"";

    @TempDir
    Path tmp;

    static HostScripts scripts() {
        return new HostScripts(Config.load(Map.of(), Repo.root(), Map.of()), () -> "us-east-1", "ann@laptop", "abc123");
    }

    static List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(f -> f.toString().endsWith(".sh")).sorted().toList();
        }
    }

    /** Every script as it is sent, with ordinary inputs. */
    static Map<String, String> sent() {
        HostScripts s = scripts();
        SsmShell ssm = new SsmShell(null, () -> "i-0abc", "i-0abc", SsmShell.Options.defaults("us-east-1"));
        RemoteCommand withSecret = RemoteCommand.of("create-user", s.createUser("ann@example.com").text(), Duration.ofMinutes(1))
                .withSecret(HostScripts.PASSWORD_VARIABLE, "pw");
        return Map.ofEntries(Map.entry("logs", s.logs("web-ssr", 100, "10m", true).text()),
                Map.entry("restart", s.restart("web-ssr").text()), Map.entry("status", s.status().text()),
                Map.entry("version", s.version().text()), Map.entry("create-invite", s.createInvite().text()),
                Map.entry("create-user", s.createUser("ann@example.com").text()),
                Map.entry("exec", s.exec(List.of("echo", "hi")).text()), Map.entry("shell", s.shell(List.of("df", "-h")).text()),
                Map.entry("db", s.db("SELECT 1", false, true).text()), Map.entry("migrate", s.migrate("1.4.0", "r.example").text()),
                Map.entry("deploy", s.deploy("1.4.0", "r.example", "bucket").text()), Map.entry("rollback", s.rollback("").text()),
                Map.entry("lock", s.lock("db work").text()), Map.entry("unlock", s.unlock(true).text()),
                Map.entry("cleanup", s.cleanup().text()), Map.entry("deploy-status", s.deployStatus(10).text()),
                Map.entry("over SSM with a secret", ssm.plan(withSecret, Map.of(HostScripts.PASSWORD_VARIABLE, "/monet/tmp/x")).script()));
    }

    @Test
    void everyFilePassesShellcheckAsPosixSh() throws IOException {
        Path shellcheck = Tools.require("shellcheck");
        List<String> argv = new ArrayList<>(List.of(shellcheck.toString(), "--shell=sh", "--format=gcc"));
        files().forEach(f -> argv.add(f.toString()));
        assertThat(argv).hasSizeGreaterThan(15);
        CmdResult result = Cmd.of(argv).nothrow().run();
        assertThat(result.exitCode()).as("shellcheck:\n" + result.stdout() + result.stderr()).isZero();
    }

    @Test
    void everyScriptAsSentPassesShellcheck() throws IOException {
        Path shellcheck = Tools.require("shellcheck");
        for (Map.Entry<String, String> script : sent().entrySet()) {
            Path file = Files.writeString(tmp.resolve(script.getKey().replace(' ', '-') + ".sh"), script.getValue());
            CmdResult result = Cmd.of(shellcheck.toString(), "--shell=sh", "--format=gcc", file.toString()).nothrow().run();
            assertThat(result.exitCode()).as(script.getKey() + ":\n" + result.stdout() + result.stderr()).isZero();
        }
    }

    @Test
    void everyFileIsUsedAndEveryNameTheCodeUsesExists() throws IOException {
        String code = Files.readString(Repo.file("lib/monet/host/HostScripts.java"))
                + Files.readString(Repo.file("lib/monet/host/SsmShell.java"));
        for (Path file : files()) {
            String name = file.getFileName().toString().replaceAll("\\.sh$", "");
            assertThat(code).as(file + " is used").contains("\"" + name + "\"");
            assertThat(HostScript.of(name).text()).as("loaded from the class path").endsWith(HostScript.file(name));
        }
        assertThatThrownBy(() -> HostScript.of("no-such-script")).hasMessageContaining("no host script monet/host/no-such-script.sh");
    }

    @Test
    void inputsAreQuotedAssignmentsInFrontOfTheUnchangedFile() throws IOException {
        HostScript script = scripts().shell(List.of(HOSTILE));
        assertThat(script.text()).isEqualTo("COMMAND='x'\\''; touch PWNED; echo '\\''$(touch PWNED)`touch PWNED`\n\"'\n"
                + "# --- shell.sh\n" + Files.readString(DIR.resolve("shell.sh")).replaceFirst("# shellcheck shell=sh\n", ""));
        CmdResult ran = Cmd.of("/bin/sh", "-c", scripts().shell(List.of("printf '%s' \"$0\"")).text()).dir(tmp).run();
        assertThat(ran.stdout()).isEqualTo("sh");
        CmdResult echoed = Cmd.of("/bin/sh", "-c", HostScript.of("shell").with("COMMAND", "printf '%s' \"$X\"").text())
                .env("X", HOSTILE).dir(tmp).run();
        assertThat(echoed.stdout()).isEqualTo(HOSTILE);
        assertThat(tmp.resolve("PWNED")).doesNotExist();
        assertThatThrownBy(() -> HostScript.of("shell").with("command", "x")).hasMessageContaining("upper-case");
    }

    @Test
    void namesAreCheckedBeforeAnythingIsBuilt() {
        HostScripts s = scripts();
        assertThatThrownBy(() -> s.restart(HOSTILE)).isInstanceOf(MonetException.class).hasMessageContaining("not a container");
        assertThatThrownBy(() -> s.logs("web-ssr", 1, HOSTILE, false)).hasMessageContaining("--since wants");
        assertThatThrownBy(() -> s.createUser(HOSTILE + "@example.com")).hasMessageContaining("not an email address");
        assertThatThrownBy(() -> s.deploy("1.0.0; rm -rf /", "r.example", "b")).hasMessageContaining("not a valid image tag");
        assertThatThrownBy(() -> s.migrate("1.0.0", "r.example; id")).hasMessageContaining("not a registry host name");
        assertThatThrownBy(() -> s.deploy("1.0.0", "r.example", "")).hasMessageContaining("deploy.bucket");
    }

    /** deploy.overlap names app services only: a second nginx could not bind the published ports. */
    @Test
    void overlapTakesOnlyTheAppServices() {
        HostScripts nginx = new HostScripts(Config.load(Map.of(), Repo.root(), Map.of("deploy.overlap", "drawing-agent,nginx")),
                () -> "us-east-1", "ann@laptop", "abc123");
        assertThatThrownBy(() -> nginx.deploy("1.0.0", "r.example", "b")).isInstanceOf(MonetException.class)
                .hasMessage("deploy.overlap: 'nginx' is not one of the app's services (drawing-agent, web-ssr: app.container, ssr.container)");
        assertThatThrownBy(() -> nginx.rollback("")).hasMessageContaining("deploy.overlap: 'nginx'");

        HostScripts both = new HostScripts(Config.load(Map.of(), Repo.root(), Map.of("deploy.overlap", "web-ssr, drawing-agent,web-ssr",
                "deploy.overlap-timeout", "2m")), () -> "us-east-1", "ann@laptop", "abc123");
        assertThat(both.deploy("1.0.0", "r.example", "b").text()).contains("OVERLAP='web-ssr drawing-agent'\nOVERLAP_TIMEOUT=120\n");
        HostScripts none = new HostScripts(Config.load(Map.of(), Repo.root(), Map.of("deploy.overlap", "")),
                () -> "us-east-1", "ann@laptop", "abc123");
        assertThat(none.rollback("").text()).contains("OVERLAP=''\n");
        assertThat(scripts().deploy("1.0.0", "r.example", "b").text()).contains("OVERLAP=drawing-agent\nOVERLAP_TIMEOUT=180\n");
    }

    /** Every compose call names APP_DIR as the project directory, as deploy's compose() does: one project, one .env. */
    @Test
    void everyComposeCallHasTheAppDirAsItsProjectDirectory() throws IOException {
        for (Path file : files()) {
            List<String> calls = Files.readAllLines(file).stream().filter(line -> line.contains("docker compose")).toList();
            for (String call : calls) {
                assertThat(call).as(file.getFileName() + ": " + call).contains("docker compose --project-directory \"$APP_DIR\" -f ");
            }
        }
    }

    /**
     * The real Compose v2 CLI (no engine needed: the subcommand becomes {@code config}) on the
     * exact options of restart, deploy-status and deploy's compose(), with the compose file the
     * link into site/current that deploy makes: the same project (APP_DIR's name) and APP_DIR's
     * .env, not the link target's directory.
     */
    @Test
    void restartStatusAndDeployLoadTheSameComposeProjectThroughTheLink() throws IOException {
        Path docker = Tools.require("docker");
        Path app = tmp.resolve("app");
        Path release = Files.createDirectories(app.resolve("site/releases/r1"));
        Files.writeString(release.resolve("docker-compose.prod.yml"), "services:\n  web-ssr:\n    image: r/web-ssr:${IMAGE_TAG}\n");
        Files.writeString(release.resolve(".env"), "IMAGE_TAG=from-the-release-directory\n");
        Files.writeString(app.resolve(".env"), "IMAGE_TAG=from-app-dir\n");
        Files.createSymbolicLink(app.resolve("site/current"), Path.of("releases/r1"));
        Files.createSymbolicLink(app.resolve("docker-compose.prod.yml"), Path.of("site/current/docker-compose.prod.yml"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        // The script's compose options go to the real CLI; its subcommand is replaced by config.
        Files.writeString(bin.resolve("docker"), "#!/bin/sh\n[ \"$1\" = compose ] || exit 90\nshift\noptions=''\n"
                + "while [ $# -gt 0 ]; do case $1 in --project-directory|-f) options=\"$options $1 $2\"; shift 2 ;; *) break ;; esac; done\n"
                + "# shellcheck disable=SC2086 # the test's paths have no spaces\nexec " + docker + " compose $options config --format json\n");
        Files.setPosixFilePermissions(bin.resolve("docker"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        HostScripts scripts = new HostScripts(Config.load(Map.of(), Repo.root(), Map.of("app.dir", app.toString())), () -> "us-east-1",
                "ann@laptop", "abc123");
        String path = bin + ":" + System.getenv("PATH");

        String restart = Cmd.of("/bin/sh", "-c", scripts.restart("web-ssr").text()).dir(tmp).env("PATH", path).run().stdout();
        String status = Cmd.of("/bin/sh", "-c", scripts.deployStatus(1).text()).dir(tmp).env("PATH", path).run().stdout();
        String deploy = Cmd.of("/bin/sh", "-c", "APP_DIR='" + app + "' COMPOSE_FILE=docker-compose.prod.yml\n"
                + HostScript.file("functions") + "\ncompose ps").dir(tmp).env("PATH", path).run().stdout();

        assertThat(deploy).contains("\"name\": \"app\"", "r/web-ssr:from-app-dir");
        assertThat(restart).isEqualTo(deploy);
        assertThat(status.substring(status.indexOf("--- containers\n") + 15)).isEqualTo(deploy);
    }

    @Test
    void aPreviewPrintsEachSharedFileOnce() {
        Set<String> printed = new HashSet<>();
        String first = scripts().migrate("1.4.0", "r.example").preview(printed);
        String second = scripts().deploy("1.4.0", "r.example", "bucket").preview(printed);
        assertThat(first).isEqualTo(scripts().migrate("1.4.0", "r.example").text()).contains("# --- functions.sh\n");
        assertThat(second).contains("# --- functions.sh: as printed above\n").doesNotContain("take_lock() {")
                .contains("VERSION=1.4.0\n", "# --- deploy.sh\n");
        assertThat(scripts().deploy("1.4.0", "r.example", "bucket").text()).contains("take_lock() {");
    }
}

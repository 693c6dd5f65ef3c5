package monet.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import monet.process.Cmd;
import monet.process.CmdResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docker stand-in of the host sandbox against the real docker CLI with its Compose v2 plugin,
 * on what the CLI answers by itself (no engine needed): the same exit code, error and usage.
 */
class DockerStandinTest {
    @TempDir
    Path tmp;

    @Test
    void anUnknownComposeSubcommandFailsAsComposeDoes() {
        Path docker = Tools.require("docker");
        HostSandbox host = HostSandbox.create(tmp.resolve("host"));
        for (List<String> argv : List.of(List.of("compose", "nosuchcmd"),
                List.of("compose", "--project-directory", host.appDir().toString(), "-f", "docker-compose.prod.yml", "restartt", "web-ssr"),
                List.of("compose", "--file=docker-compose.prod.yml", "--dry-run", "psx"),
                List.of("compose"))) {
            CmdResult real = run(docker, argv, host);
            CmdResult standIn = run(host.dir().resolve("bin/docker"), argv, host);

            assertThat(standIn.exitCode()).as("exit code of docker %s", argv).isEqualTo(real.exitCode());
            assertThat(standIn.stderr()).as("stderr of docker %s", argv).isEqualTo(real.stderr());
            assertThat(standIn.stdout().lines().limit(4).toList()).as("usage of docker %s", argv)
                    .isEqualTo(real.stdout().lines().limit(4).toList());
            assertThat(standIn.stdout().strip()).endsWith("Run 'docker compose COMMAND --help' for more information on a command.");
        }
        assertThat(run(host.dir().resolve("bin/docker"), List.of("compose", "nosuchcmd"), host).exitCode()).isEqualTo(16);
    }

    @Test
    void aComposeSubcommandItDoesNotModelFailsInsteadOfPretending() {
        HostSandbox host = HostSandbox.create(tmp.resolve("host"));
        CmdResult restart = run(host.dir().resolve("bin/docker"), List.of("compose", "-f", "docker-compose.prod.yml", "restart", "web-ssr"), host);
        assertThat(restart.exitCode()).isEqualTo(1);
        assertThat(restart.stderr()).contains("`docker compose restart` is not modelled");
    }

    private static CmdResult run(Path docker, List<String> args, HostSandbox host) {
        List<String> argv = new ArrayList<>(List.of(docker.toString()));
        argv.addAll(args);
        return Cmd.of(argv).dir(host.appDir()).env(host.env()).nothrow().run();
    }
}

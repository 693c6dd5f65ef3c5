package monet.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import monet.process.CmdResult;
import monet.testing.HostSandbox;
import monet.testing.JBang;
import monet.testing.Sshd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --via ssh --timeout} stops the command on the server, not only the local ssh client (a real sshd on loopback). */
class SshTimeoutTest {
    @TempDir
    Path dir;

    /** The processes on this machine (the "server") running {@code sleep SECONDS}. */
    static List<ProcessHandle> sleeping(String seconds) {
        return ProcessHandle.allProcesses().filter(p -> {
            Optional<String[]> args = p.info().arguments();
            return p.info().command().orElse("").endsWith("sleep") && args.isPresent() && List.of(args.get()).contains(seconds);
        }).toList();
    }

    @Test
    void theTimeoutStopsTheCommandOnTheServer() throws Exception {
        HostSandbox host = HostSandbox.create(dir.resolve("host"));
        Path late = host.dir().resolve("SSH-LATE");
        try (Sshd sshd = Sshd.start(dir.resolve("sshd"), host.env())) {
            List<String> args = new ArrayList<>(List.of("remote", "shell", "--via", "ssh", "--timeout", "2"));
            sshd.config().forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
            args.add("sleep 9.75; touch " + late);
            CmdResult r = JBang.run(args.toArray(String[]::new)).env(host.clientEnv()).call();
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).contains("timeout of 2 s").contains("stopped on the server");
            assertThat(sleeping("9.75")).as("the command still running on the server").isEmpty();
            Thread.sleep(10_000);
            assertThat(late).as("what the command would have done later").doesNotExist();
        }
    }
}

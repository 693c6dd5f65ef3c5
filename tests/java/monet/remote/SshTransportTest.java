package monet.remote;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import monet.config.Config;
import monet.host.RemoteShell;
import monet.host.Transports;
import monet.testing.HostSandbox;
import monet.testing.Sshd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The remote commands with --via ssh, against a real sshd on loopback whose sessions see the host sandbox. */
class SshTransportTest extends RemoteCommandsContract {
    @TempDir
    static Path dir;
    static HostSandbox host;
    static Sshd sshd;

    @BeforeAll
    static void start() {
        host = HostSandbox.create(dir.resolve("host"));
        sshd = Sshd.start(dir.resolve("sshd"), host.env());
    }

    @AfterAll
    static void stop() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Override
    HostSandbox host() {
        return host;
    }

    @Override
    Map<String, String> transportConfig() {
        return sshd.config();
    }

    @Override
    RemoteShell shell() {
        return Transports.open(Config.load(Map.of(), host.dir(), sshd.config()), "ssh", null);
    }

    static List<String> unused() {
        return List.of();
    }
}

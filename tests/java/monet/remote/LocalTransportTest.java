package monet.remote;

import java.nio.file.Path;
import monet.host.LocalShell;
import monet.host.RemoteShell;
import monet.testing.HostSandbox;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The remote commands with --via local: scripts run by this machine's sh in the host sandbox. */
class LocalTransportTest extends RemoteCommandsContract {
    @TempDir
    static Path dir;
    static HostSandbox host;

    @BeforeAll
    static void prepare() {
        host = HostSandbox.create(dir);
    }

    @Override
    HostSandbox host() {
        return host;
    }

    @Override
    RemoteShell shell() {
        return new LocalShell(host.dir(), host.env());
    }
}

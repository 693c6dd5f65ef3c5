package monet.remote;

import java.nio.file.Path;
import monet.host.RemoteShell;
import monet.host.SsmShell;
import monet.testing.HostSandbox;
import monet.testing.Moto;
import monet.testing.SsmEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote commands with --via ssm, against the SSM test endpoint (secrets through moto's
 * Parameter Store, read on the "instance" by the real aws CLI).
 */
class SsmTransportTest extends RemoteCommandsContract {
    @TempDir
    static Path dir;
    static SsmEndpoint endpoint;

    @BeforeAll
    static void start() {
        endpoint = SsmEndpoint.start(dir).proxyTo(Moto.get().endpoint());
    }

    @AfterAll
    static void stop() {
        endpoint.stop();
    }

    @Override
    HostSandbox host() {
        return endpoint.host();
    }

    @Override
    RemoteShell shell() {
        return SsmShell.on(endpoint.client(), SsmEndpoint.DEFAULT_INSTANCE,
                SsmShell.Options.defaults("us-east-1").withProgress(false));
    }
}

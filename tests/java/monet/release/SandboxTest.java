package monet.release;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A release test on a fresh {@link Sandbox} (repository, host, cloud, site, GitHub) per test method. */
abstract class SandboxTest {
    @TempDir
    Path tmp;
    Sandbox box;

    @BeforeEach
    void createSandbox() throws Exception {
        box = new Sandbox(tmp);
    }

    @AfterEach
    void closeSandbox() {
        box.close();
    }
}

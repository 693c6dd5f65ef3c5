package monet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import monet.process.Cmd;

/**
 * A real OpenSSH server on loopback for tests: its own host key, a client key in
 * authorized_keys, the current user allowed in (root too), and the given environment set for
 * every session ({@code SetEnv}), so sessions see a {@link HostSandbox}'s PATH.
 *
 * <pre>{@code
 * Sshd sshd = Sshd.start(dir, host.env());
 * ssh -i sshd.clientKey() -p sshd.port() -o UserKnownHostsFile=sshd.knownHosts() user@127.0.0.1
 * }</pre>
 */
public final class Sshd implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private Sshd(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts sshd in {@code dir} (keys, config, log) with the environment for sessions. */
    public static Sshd start(Path dir, Map<String, String> sessionEnv) {
        Path sshd = Tools.require("/usr/sbin/sshd");
        Tools.require("ssh");
        try {
            Files.createDirectories(dir);
            Files.createDirectories(Path.of("/run/sshd"));
            Path hostKey = dir.resolve("host_ed25519");
            Path clientKey = dir.resolve("client_ed25519");
            if (!Files.exists(hostKey)) {
                Cmd.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()).run();
                Cmd.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", clientKey.toString()).run();
            }
            Path authorized = dir.resolve("authorized_keys");
            Files.copy(dir.resolve("client_ed25519.pub"), authorized, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(authorized, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            int port = Moto.freePort();
            String setEnv = sessionEnv.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
            Path config = dir.resolve("sshd_config");
            Files.writeString(config, String.join("\n", List.of(
                    "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + hostKey, "AuthorizedKeysFile " + authorized,
                    "PidFile " + dir.resolve("sshd.pid"), "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                    "PubkeyAuthentication yes", "PermitRootLogin yes", "StrictModes no", "UsePAM no",
                    "AllowUsers " + user(), setEnv.isEmpty() ? "" : "SetEnv " + setEnv, "")));
            Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " " + Files.readString(dir.resolve("host_ed25519.pub")));
            Process process = new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            Sshd server = new Sshd(process, port, dir);
            server.awaitPort(Duration.ofSeconds(20));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start sshd: " + e.getMessage(), e);
        }
    }

    /** The login name sessions use: the user running the tests. */
    public static String user() {
        return System.getProperty("user.name");
    }

    public int port() {
        return port;
    }

    public Path clientKey() {
        return dir.resolve("client_ed25519");
    }

    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    /** The toolkit's configuration for this server (--set keys). */
    public Map<String, String> config() {
        return Map.of("ssh.host", "127.0.0.1", "ssh.port", String.valueOf(port), "ssh.user", user(),
                "ssh.key", clientKey().toString(),
                "ssh.options", "-o UserKnownHostsFile=" + knownHosts() + " -o IdentitiesOnly=yes -F /dev/null");
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private void awaitPort(Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sshd exited: " + log());
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("sshd did not listen within " + limit + ": " + log());
    }

    @Override
    public void close() {
        process.destroy();
    }
}

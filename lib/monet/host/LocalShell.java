package monet.host;

import java.nio.file.Path;
import java.util.Map;
import monet.console.Secrets;
import monet.process.Cmd;
import monet.process.CmdResult;

/**
 * {@link RemoteShell} on this machine ({@code --via local}: on the server itself, or in tests).
 * The script goes to {@code /bin/sh -s} on stdin, so neither it nor its secrets are ever a
 * process argument.
 */
public final class LocalShell implements RemoteShell {
    private final Path directory;
    private final Map<String, String> env;

    /** Runs scripts in the given directory (null: the current one). */
    LocalShell(Path directory) {
        this(directory, Map.of());
    }

    /** Runs scripts in the given directory with these environment variables added. */
    public LocalShell(Path directory, Map<String, String> env) {
        this.directory = directory;
        this.env = Map.copyOf(env);
    }

    @Override
    public String target() {
        return "this machine";
    }

    @Override
    public String preview(RemoteCommand command) {
        return "# on this machine: /bin/sh -s" + (directory == null ? "" : " (in " + directory + ")")
                + ", with this script on stdin:\n" + Secrets.mask(command.stdinScript());
    }

    @Override
    public RemoteResult run(RemoteCommand command) {
        Cmd cmd = Cmd.of("/bin/sh", "-s")
                .stdin(command.stdinScript())
                .timeout(command.timeout())
                .onStdout(command.stdout())
                .onStderr(command.stderr())
                .nothrow()
                .env(env);
        CmdResult result = (directory == null ? cmd : cmd.dir(directory)).run();
        return new RemoteResult(result.exitCode(), result.stdout(), result.stderr());
    }
}

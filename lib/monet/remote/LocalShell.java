package monet.remote;

import java.nio.file.Path;
import monet.process.Cmd;
import monet.process.CmdResult;

/** {@link RemoteShell} on this machine ({@code --via local}: on the server itself, or in tests). */
public final class LocalShell implements RemoteShell {
    private final Path directory;

    /** Runs scripts in the given directory (null: the current one). */
    public LocalShell(Path directory) {
        this.directory = directory;
    }

    @Override
    public String target() {
        return "this machine";
    }

    @Override
    public RemoteResult run(RemoteCommand command) {
        Cmd cmd = Cmd.of("/bin/sh", "-c", command.script())
                .timeout(command.timeout())
                .onStdout(command.stdout())
                .onStderr(command.stderr())
                .nothrow();
        if (directory != null) {
            cmd.dir(directory);
        }
        CmdResult result = cmd.run();
        return new RemoteResult(result.exitCode(), result.stdout(), result.stderr());
    }
}

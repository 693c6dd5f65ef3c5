package monet.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import monet.process.Cmd;
import monet.process.CmdResult;

/**
 * A recording {@code gh} stand-in (GitHub's API is not reachable here) and a way to run
 * {@link GitHubSecretsCommand} in its own JVM with that stand-in first on PATH. Like the real
 * {@code gh secret set NAME}, it reads the value from stdin when there is no {@code --body},
 * refuses an empty value, and fails (exit 1, an HTTP error on stderr) for a name listed in
 * {@code GH_STANDIN_FAIL}.
 */
final class Stand {
    final Path bin;
    final Path calls;

    private Stand(Path bin, Path calls) {
        this.bin = bin;
        this.calls = calls;
    }

    static Stand gh() {
        try {
            Path root = Files.createTempDirectory("monet-gh");
            Path bin = Files.createDirectories(root.resolve("bin"));
            Path calls = Files.createDirectories(root.resolve("calls"));
            Path gh = bin.resolve("gh");
            Files.writeString(gh, """
                    #!/bin/sh
                    # Recording gh stand-in: each call's arguments (one a line) and stdin.
                    n=$(find "$GH_CALLS" -name '*.args' | wc -l)
                    printf '%s\\n' "$@" >"$GH_CALLS/$n.args"
                    case " $* " in *" --body "*|*" -b "*) : >"$GH_CALLS/$n.stdin" ;; *) cat >"$GH_CALLS/$n.stdin" ;; esac
                    [ "$1 $2" = "secret set" ] || { echo "unknown command: $*" >&2; exit 1; }
                    case ",$GH_STANDIN_FAIL," in *",$3,"*) echo "failed to set secret \\"$3\\": HTTP 403: Resource not accessible by integration" >&2; exit 1 ;; esac
                    [ -s "$GH_CALLS/$n.stdin" ] || { echo "no secret value given on stdin" >&2; exit 1; }
                    echo "✓ Set Actions secret $3 for ${5:-current repository}" >&2
                    """);
            Files.setPosixFilePermissions(gh, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new Stand(bin, calls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code github-secrets ARGS} in a new JVM (this test's class path) with the stand-in first on PATH. */
    CmdResult runCommand(Path terraformCliConfig, String failNames, String... args) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GitHubSecretsMain.class.getName()));
        argv.addAll(List.of(args));
        return Cmd.of(argv).nothrow()
                .env("PATH", bin + ":" + System.getenv("PATH"))
                .env("GH_CALLS", calls.toString())
                .env("GH_STANDIN_FAIL", failNames)
                .env("TF_CLI_CONFIG_FILE", terraformCliConfig.toString())
                .env("MONET_CONSOLE", "plain")
                .env("GITHUB_ACTIONS", "")
                .run();
    }

    /** Each recorded call: its arguments and its stdin, in order. */
    List<Call> calls() {
        try (Stream<Path> files = Files.list(calls)) {
            List<Call> out = new ArrayList<>();
            int count = (int) files.filter(p -> p.toString().endsWith(".args")).count();
            for (int i = 0; i < count; i++) {
                out.add(new Call(Files.readAllLines(calls.resolve(i + ".args")), Files.readString(calls.resolve(i + ".stdin"))));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Call(List<String> args, String stdin) {}
}

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
 * {@link GitHubSecretsCommand} in its own JVM with that stand-in first on PATH. It keeps the
 * repository's secret names (not values) in a directory. Like the real {@code gh secret set NAME},
 * it reads the value from stdin when there is no {@code --body}, refuses an empty value, and fails
 * (exit 1, an HTTP error on stderr) for a name listed in {@code GH_STANDIN_FAIL}; like the real
 * {@code gh secret delete NAME} (cli/cli pkg/cmd/secret/delete), it fails with
 * {@code failed to delete secret NAME: HTTP 404: Not Found (URL)} for a secret that is not set.
 */
final class Stand {
    final Path bin;
    final Path calls;
    final Path secrets;

    private Stand(Path bin, Path calls, Path secrets) {
        this.bin = bin;
        this.calls = calls;
        this.secrets = secrets;
    }

    /** A stand-in whose repository already has the secrets named EXISTING. */
    static Stand gh(String... existing) {
        try {
            Path root = Files.createTempDirectory("monet-gh");
            Path bin = Files.createDirectories(root.resolve("bin"));
            Path calls = Files.createDirectories(root.resolve("calls"));
            Path secrets = Files.createDirectories(root.resolve("secrets"));
            for (String name : existing) {
                Files.writeString(secrets.resolve(name), "");
            }
            Path gh = bin.resolve("gh");
            Files.writeString(gh, """
                    #!/bin/sh
                    # Recording gh stand-in: each call's arguments (one a line) and stdin.
                    n=$(find "$GH_CALLS" -name '*.args' | wc -l)
                    printf '%s\\n' "$@" >"$GH_CALLS/$n.args"
                    case " $* " in *" --body "*|*" -b "*|" secret delete "*) : >"$GH_CALLS/$n.stdin" ;; *) cat >"$GH_CALLS/$n.stdin" ;; esac
                    repo=${5:-dmfenton/CodeMonet}
                    case "$1 $2" in
                      "secret set")
                        case ",$GH_STANDIN_FAIL," in *",$3,"*) echo "failed to set secret \\"$3\\": HTTP 403: Resource not accessible by integration" >&2; exit 1 ;; esac
                        [ -s "$GH_CALLS/$n.stdin" ] || { echo "no secret value given on stdin" >&2; exit 1; }
                        : >"$GH_SECRETS/$3"
                        echo "✓ Set Actions secret $3 for ${5:-current repository}" >&2 ;;
                      "secret delete")
                        case ",$GH_STANDIN_FAIL," in *",$3,"*) echo "failed to delete secret $3: HTTP 403: Resource not accessible by integration (https://api.github.com/repos/$repo/actions/secrets/$3)" >&2; exit 1 ;; esac
                        [ -e "$GH_SECRETS/$3" ] || { echo "failed to delete secret $3: HTTP 404: Not Found (https://api.github.com/repos/$repo/actions/secrets/$3)" >&2; exit 1; }
                        rm "$GH_SECRETS/$3"
                        echo "✓ Deleted Actions secret $3 from $repo" ;;
                      *) echo "unknown command: $*" >&2; exit 1 ;;
                    esac
                    """);
            Files.setPosixFilePermissions(gh, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new Stand(bin, calls, secrets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the secrets the repository has now. */
    java.util.Set<String> secretNames() {
        try (Stream<Path> files = Files.list(secrets)) {
            return files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
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
                .env("GH_SECRETS", secrets.toString())
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

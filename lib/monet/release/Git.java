package monet.release;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import monet.changelog.Version;
import monet.process.Cmd;
import monet.process.CmdResult;

/** git in one repository: each call is one {@code git} process, arguments passed as they are. */
final class Git {
    private final Path dir;

    Git(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** The command, for plans and messages. */
    Cmd cmd(String... args) {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        return Cmd.of(argv).dir(dir).env("GIT_TERMINAL_PROMPT", "0");
    }

    /** Runs git; a non-zero exit is a {@link monet.process.CmdException} with git's own message. */
    CmdResult run(String... args) {
        return cmd(args).run();
    }

    /** Runs git and returns its trimmed stdout. */
    String out(String... args) {
        return run(args).out();
    }

    /** True when git exits 0. */
    boolean ok(String... args) {
        return cmd(args).nothrow().run().ok();
    }

    /** The first line of stdout when git exits 0. */
    Optional<String> maybe(String... args) {
        CmdResult r = cmd(args).nothrow().run();
        return r.ok() && !r.out().isEmpty() ? Optional.of(r.out()) : Optional.empty();
    }

    /** The highest SemVer tag {@code vX.Y.Z} in the repository. */
    Optional<Version> latestTag() {
        return out("tag", "--list", "v*").lines().map(Version::tryParse).filter(Objects::nonNull).max(Version::compareTo);
    }
}

package monet.changelog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import monet.process.Cmd;
import monet.process.CmdResult;

/** The web address of a git repository's {@code origin}, for release links in a file that has none. */
final class GitRemote {
    private GitRemote() {}

    /** {@code https://HOST/OWNER/REPO} for the {@code origin} remote of the repository holding {@code dir}, if any. */
    static Optional<String> webUrl(Path dir) {
        try {
            CmdResult result = Cmd.of("git", "-C", dir.toString(), "remote", "get-url", "origin")
                    .timeout(Duration.ofSeconds(10)).nothrow().run();
            return result.exitCode() == 0 ? toWebUrl(result.stdout().trim()) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code git@github.com:o/r.git}, {@code ssh://git@host/o/r.git} or
     * {@code https://user@host/o/r.git} → {@code https://host/o/r}; empty for a local path.
     */
    static Optional<String> toWebUrl(String remote) {
        String url = remote.trim();
        String hostAndPath;
        int scheme = url.indexOf("://");
        if (scheme > 0) {
            String protocol = url.substring(0, scheme);
            if (!protocol.equals("https") && !protocol.equals("http") && !protocol.equals("ssh") && !protocol.equals("git")) {
                return Optional.empty();
            }
            hostAndPath = url.substring(scheme + 3);
            int at = hostAndPath.indexOf('@');
            int slash = hostAndPath.indexOf('/');
            if (at >= 0 && (slash < 0 || at < slash)) {
                hostAndPath = hostAndPath.substring(at + 1);
            }
            slash = hostAndPath.indexOf('/');
            int colon = hostAndPath.indexOf(':');
            if (colon >= 0 && (slash < 0 || colon < slash) && !protocol.startsWith("http")) {
                hostAndPath = hostAndPath.substring(0, colon) + hostAndPath.substring(slash < 0 ? hostAndPath.length() : slash);
            }
        } else {
            int at = url.indexOf('@');
            int colon = url.indexOf(':');
            if (colon < 0 || url.startsWith("/") || url.startsWith(".")) {
                return Optional.empty();
            }
            hostAndPath = url.substring(at + 1, colon) + "/" + url.substring(colon + 1);
        }
        if (hostAndPath.endsWith("/")) {
            hostAndPath = hostAndPath.substring(0, hostAndPath.length() - 1);
        }
        if (hostAndPath.endsWith(".git")) {
            hostAndPath = hostAndPath.substring(0, hostAndPath.length() - 4);
        }
        return hostAndPath.indexOf('/') > 0 ? Optional.of("https://" + hostAndPath) : Optional.empty();
    }
}

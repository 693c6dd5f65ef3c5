package monet.infra;

import monet.cli.Cli;

/** Runs {@code github-secrets} alone in its own JVM, for the tests (release.java carries it as a subcommand). */
public final class GitHubSecretsMain {
    private GitHubSecretsMain() {}

    public static void main(String... args) {
        Cli.main(new GitHubSecretsCommand(), args);
    }
}

package monet.infra;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import monet.cli.ConfigOptions;
import monet.config.Keys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code github-secrets}: sets the release workflow's GitHub secrets from the Terraform outputs
 * (a subcommand of {@code release}). No {@code main} here: every script compiles the whole
 * library, and JBang needs each script's main to be the only one.
 */
@Command(name = "github-secrets",
        description = {"Set the release workflow's GitHub secrets from the Terraform outputs, with `gh secret set`:"
                + " AWS_ROLE_ARN (the OIDC role, recommended) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the IAM"
                + " user), and DEPLOY_BUCKET. The other way's secrets are deleted, so the workflow cannot pick them.",
                "Values go to gh on stdin: never in arguments, never printed. Needs gh logged in"
                + " (or GH_TOKEN) and the Terraform state of --terraform-dir."})
public final class GitHubSecretsCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--repo", paramLabel = "OWNER/NAME",
            description = "Repository that gets the secrets. Default: config github.repository (GITHUB_REPOSITORY).")
    String repo;

    @Option(names = "--terraform-dir", paramLabel = "DIR", defaultValue = "infrastructure",
            description = "The Terraform directory whose outputs hold the values. Default: ${DEFAULT-VALUE}.")
    Path terraformDir;

    @Option(names = "--auth", paramLabel = "WAY",
            description = "How the workflow reaches AWS: ${COMPLETION-CANDIDATES}. Default: oidc when the state has the"
                    + " role (release_auth oidc or both), else keys.")
    GitHubSecrets.Auth auth;

    @Option(names = "--dry-run", description = "List the secrets and their sources; read and set nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        String repository = repo != null ? repo : configOptions.config().get(Keys.GITHUB_REPOSITORY);
        GitHubSecrets secrets = GitHubSecrets.from(terraformDir).repo(repository).auth(auth);
        if (dryRun) {
            secrets.plan();
        } else {
            secrets.set();
        }
        return 0;
    }
}

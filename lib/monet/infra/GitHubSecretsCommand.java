package monet.infra;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import monet.cli.ConfigOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code github-secrets}: sets the release workflow's GitHub secrets from the Terraform outputs
 * (a subcommand of {@code release}). No {@code main} here: every script compiles the whole
 * library, and JBang needs each script's main to be the only one.
 */
@Command(name = "github-secrets",
        description = {"Set the release workflow's GitHub secrets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and"
                + " DEPLOY_BUCKET from the Terraform outputs, with `gh secret set`.",
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

    @Option(names = "--dry-run", description = "List the secrets and their sources; read and set nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        String repository = repo != null ? repo : configOptions.config().get("github.repository");
        GitHubSecrets secrets = GitHubSecrets.from(terraformDir).repo(repository);
        if (dryRun) {
            secrets.plan();
        } else {
            secrets.set();
        }
        return 0;
    }
}

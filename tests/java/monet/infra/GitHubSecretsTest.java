package monet.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.testing.Repo;
import monet.testing.Tools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code github-secrets} in its own JVM, reading real Terraform states (configurations of outputs
 * only, applied locally: one with the IAM user's key as release_auth = "user" leaves it, one with
 * the OIDC role as release_auth = "oidc" does) and calling a recording {@code gh} stand-in. The
 * end-to-end run on the real infrastructure's state is in {@link InfrastructureTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitHubSecretsTest {
    static final String KEY_ID = "AKIAMONETTEST0000001";
    // Quotes, spaces and a command substitution: harmless on stdin, dangerous anywhere else.
    static final String BUCKET = "monet-deploy-123456789012";
    static final String SECRET = "wJalr/K7MDENG+bPxRfi'q\" $(touch PWNED) `touch PWNED`";
    static final String ROLE = "arn:aws:iam::123456789012:role/monet-github-release";
    Path state;
    Path oidcState;
    Path empty;
    Path cliConfig;

    @BeforeAll
    void applyOutputs() throws IOException {
        Tools.require("terraform");
        Path root = Files.createTempDirectory("monet-secrets");
        cliConfig = Files.writeString(root.resolve("empty.tfrc"), "");
        state = Files.createDirectories(root.resolve("applied"));
        Files.writeString(state.resolve("main.tf"), """
                output "github_actions_access_key_id" {
                  value = "%s"
                }
                output "github_actions_secret_access_key" {
                  value     = "%s"
                  sensitive = true
                }
                output "deploy_bucket" {
                  value = "%s"
                }
                output "github_actions_role_arn" {
                  value = null
                }
                """.formatted(KEY_ID, SECRET.replace("\\", "\\\\").replace("\"", "\\\""), BUCKET));
        oidcState = Files.createDirectories(root.resolve("oidc"));
        Files.writeString(oidcState.resolve("main.tf"), """
                output "github_actions_role_arn" {
                  value = "%s"
                }
                output "github_actions_access_key_id" {
                  value = null
                }
                output "deploy_bucket" {
                  value = "%s"
                }
                """.formatted(ROLE, BUCKET));
        empty = Files.createDirectories(root.resolve("empty"));
        Files.writeString(empty.resolve("main.tf"), "output \"site_url\" {\n  value = \"https://example.test\"\n}\n");
        for (Path dir : List.of(state, oidcState, empty)) {
            terraform(dir, "init", "-input=false");
            terraform(dir, "apply", "-auto-approve", "-input=false");
        }
        assertThat(terraform(state, "output", "-raw", "github_actions_secret_access_key")).isEqualTo(SECRET);
    }

    @Test
    void setsTheKeysWithTheValuesOnStdinOnlyAndDeletesTheRole() {
        // The repository used the OIDC role before: AWS_ROLE_ARN would make the workflow ignore the keys.
        Stand gh = Stand.gh("AWS_ROLE_ARN", "ANTHROPIC_API_KEY");
        CmdResult run = gh.runCommand(cliConfig, "", "--repo", "dmfenton/CodeMonet", "--terraform-dir", state.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(gh.calls()).containsExactly(
                new Stand.Call(List.of("secret", "set", "AWS_ACCESS_KEY_ID", "--repo", "dmfenton/CodeMonet"), KEY_ID),
                new Stand.Call(List.of("secret", "set", "AWS_SECRET_ACCESS_KEY", "--repo", "dmfenton/CodeMonet"), SECRET),
                new Stand.Call(List.of("secret", "set", "DEPLOY_BUCKET", "--repo", "dmfenton/CodeMonet"), BUCKET),
                new Stand.Call(List.of("secret", "delete", "AWS_ROLE_ARN", "--repo", "dmfenton/CodeMonet"), ""));
        assertThat(gh.secretNames()).containsExactly("ANTHROPIC_API_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "DEPLOY_BUCKET");
        assertThat(run.stdout() + run.stderr()).doesNotContain(SECRET).doesNotContain(KEY_ID)
                .contains("set AWS_SECRET_ACCESS_KEY on dmfenton/CodeMonet", "deleted AWS_ROLE_ARN from dmfenton/CodeMonet");
        assertThat(Repo.root().resolve("PWNED")).doesNotExist();
        assertThat(Path.of("PWNED")).doesNotExist();
    }

    @Test
    void withTheOidcRoleItSetsTheRoleAndDeletesTheStoredKeys() {
        Stand gh = Stand.gh("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "DEPLOY_BUCKET");
        CmdResult run = gh.runCommand(cliConfig, "", "--repo", "dmfenton/CodeMonet", "--terraform-dir", oidcState.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(gh.calls()).containsExactly(
                new Stand.Call(List.of("secret", "set", "AWS_ROLE_ARN", "--repo", "dmfenton/CodeMonet"), ROLE),
                new Stand.Call(List.of("secret", "set", "DEPLOY_BUCKET", "--repo", "dmfenton/CodeMonet"), BUCKET),
                new Stand.Call(List.of("secret", "delete", "AWS_ACCESS_KEY_ID", "--repo", "dmfenton/CodeMonet"), ""),
                new Stand.Call(List.of("secret", "delete", "AWS_SECRET_ACCESS_KEY", "--repo", "dmfenton/CodeMonet"), ""));
        assertThat(gh.secretNames()).containsExactly("AWS_ROLE_ARN", "DEPLOY_BUCKET");
        assertThat(run.stdout() + run.stderr()).contains("deleted AWS_SECRET_ACCESS_KEY from dmfenton/CodeMonet (the workflow uses AWS_ROLE_ARN)");
    }

    @Test
    void aSecretThatIsNotThereIsNothingToDelete() {
        Stand gh = Stand.gh();
        CmdResult run = gh.runCommand(cliConfig, "", "--repo", "dmfenton/CodeMonet", "--terraform-dir", oidcState.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(gh.secretNames()).containsExactly("AWS_ROLE_ARN", "DEPLOY_BUCKET");
        assertThat(run.stdout() + run.stderr()).doesNotContain("HTTP 404").doesNotContain("deleted");
    }

    @Test
    void aDeleteThatFailsOtherwiseFailsTheRunAndSaysWhatWasSet() {
        Stand gh = Stand.gh("AWS_ACCESS_KEY_ID");
        CmdResult run = gh.runCommand(cliConfig, "AWS_ACCESS_KEY_ID", "--repo", "dmfenton/CodeMonet", "--terraform-dir", oidcState.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("gh could not delete AWS_ACCESS_KEY_ID from dmfenton/CodeMonet (already set: AWS_ROLE_ARN, DEPLOY_BUCKET)",
                "HTTP 403");
    }

    @Test
    void theWayInCanBeChosenAndMustExistInTheState() {
        Stand gh = Stand.gh();
        CmdResult keys = gh.runCommand(cliConfig, "", "--auth", "keys", "--repo", "dmfenton/CodeMonet", "--terraform-dir", oidcState.toString());
        assertThat(keys.exitCode()).isEqualTo(1);
        assertThat(keys.stderr()).contains("terraform output github_actions_access_key_id is missing", "release_auth = \"user\"");
        CmdResult oidc = gh.runCommand(cliConfig, "", "--auth", "oidc", "--repo", "dmfenton/CodeMonet", "--terraform-dir", state.toString());
        assertThat(oidc.exitCode()).isEqualTo(1);
        assertThat(oidc.stderr()).contains("terraform output github_actions_role_arn is missing", "release_auth = \"oidc\"");
        assertThat(gh.calls()).isEmpty();
        CmdResult bad = gh.runCommand(cliConfig, "", "--auth", "password", "--terraform-dir", state.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr()).contains("oidc, keys");
    }

    @Test
    void theRepositoryDefaultsToTheConfiguredOne() {
        Stand gh = Stand.gh();
        CmdResult run = gh.runCommand(cliConfig, "", "--set", "github.repository=owner/fork", "--terraform-dir", state.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(gh.calls()).allSatisfy(call -> assertThat(call.args()).endsWith("--repo", "owner/fork"));
    }

    @Test
    void dryRunListsTheNamesAndTouchesNothing() {
        Stand gh = Stand.gh();
        CmdResult run = gh.runCommand(cliConfig, "", "--dry-run", "--repo", "dmfenton/CodeMonet", "--terraform-dir", state.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("when the state has the OIDC role", "would set AWS_ROLE_ARN on dmfenton/CodeMonet from terraform output github_actions_role_arn",
                "would delete AWS_ACCESS_KEY_ID from dmfenton/CodeMonet",
                "would set AWS_ACCESS_KEY_ID on dmfenton/CodeMonet from terraform output github_actions_access_key_id",
                "would set AWS_SECRET_ACCESS_KEY on dmfenton/CodeMonet from terraform output github_actions_secret_access_key",
                "would set DEPLOY_BUCKET on dmfenton/CodeMonet from terraform output deploy_bucket",
                "would delete AWS_ROLE_ARN from dmfenton/CodeMonet");
        assertThat(run.stdout() + run.stderr()).doesNotContain(KEY_ID).doesNotContain(SECRET);
        assertThat(gh.calls()).isEmpty();
        CmdResult oidc = gh.runCommand(cliConfig, "", "--dry-run", "--auth", "oidc", "--repo", "dmfenton/CodeMonet", "--terraform-dir", "/nonexistent");
        assertThat(oidc.exitCode()).as(oidc.stderr()).isZero();
        assertThat(oidc.stdout()).contains("would set AWS_ROLE_ARN").doesNotContain("would set AWS_ACCESS_KEY_ID").doesNotContain("when the state");
    }

    @Test
    void aStateWithoutTheOutputsFailsBeforeCallingGh() {
        Stand gh = Stand.gh();
        CmdResult run = gh.runCommand(cliConfig, "", "--repo", "dmfenton/CodeMonet", "--terraform-dir", empty.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("terraform output github_actions_access_key_id is missing", "terraform apply");
        assertThat(gh.calls()).isEmpty();
    }

    @Test
    void aGhFailureSaysWhichSecretAndWhatWasAlreadySet() {
        Stand gh = Stand.gh();
        CmdResult run = gh.runCommand(cliConfig, "AWS_SECRET_ACCESS_KEY", "--repo", "dmfenton/CodeMonet", "--terraform-dir", state.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("gh could not set AWS_SECRET_ACCESS_KEY on dmfenton/CodeMonet (already set: AWS_ACCESS_KEY_ID)",
                "HTTP 403").doesNotContain(SECRET);
        assertThat(run.stdout() + run.stderr()).doesNotContain(KEY_ID);
    }

    @Test
    void badUsageExitsTwo() {
        CmdResult run = Stand.gh().runCommand(cliConfig, "", "--no-such-option");
        assertThat(run.exitCode()).isEqualTo(2);
        CmdResult missingDir = Stand.gh().runCommand(cliConfig, "", "--terraform-dir", "/nonexistent/infrastructure");
        assertThat(missingDir.exitCode()).isEqualTo(2);
        assertThat(missingDir.stderr()).contains("no Terraform directory at /nonexistent/infrastructure");
    }

    /** Through the real launcher: release.java carries the subcommand. */
    @Test
    void releaseGithubSecretsDryRunThroughJBang() {
        CmdResult run = monet.testing.JBang.run("release", "github-secrets", "--dry-run", "--repo", "dmfenton/CodeMonet").call();
        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
        assertThat(run.stdout()).contains("would set AWS_ACCESS_KEY_ID on dmfenton/CodeMonet", "would set AWS_SECRET_ACCESS_KEY on dmfenton/CodeMonet");
    }

    /** The secrets table of docs/infrastructure.md lists what the command sets and exactly the secrets the workflows use. */
    @Test
    void readmeSecretsTableMatchesTheWorkflowsAndTheCommand() throws IOException {
        String infrastructure = Files.readString(Repo.file("docs/infrastructure.md"));
        Set<String> table = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\|\\s*`([A-Z][A-Z0-9_]+)`\\s*\\|").matcher(infrastructure);
        while (row.find()) {
            table.add(row.group(1));
        }
        assertThat(table).containsAll(GitHubSecrets.SECRETS.stream().map(GitHubSecrets.Secret::name).toList()).contains("GITHUB_TOKEN");

        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.list(Repo.file(".github/workflows"))) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml")).toList()) {
                Matcher use = Pattern.compile("secrets\\.([A-Za-z_][A-Za-z0-9_]*)").matcher(Files.readString(file));
                while (use.find()) {
                    used.add(use.group(1));
                }
            }
        }
        assertThat(used).as("secrets the workflows read").containsAll(GitHubSecrets.SECRETS.stream().map(GitHubSecrets.Secret::name).toList());
        used.add("GITHUB_TOKEN");
        assertThat(table).as("docs/infrastructure.md secrets table vs the workflows' secrets.*").isEqualTo(used);
    }

    private String terraform(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("terraform"));
        argv.addAll(List.of(args));
        return Cmd.of(argv).dir(dir).env("TF_CLI_CONFIG_FILE", cliConfig.toString()).env("CHECKPOINT_DISABLE", "1").run().stdout();
    }
}

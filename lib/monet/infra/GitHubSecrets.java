package monet.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import monet.MonetException;
import monet.console.Console;
import monet.console.Secrets;
import monet.process.Cmd;
import monet.process.CmdResult;

/**
 * The release workflow's GitHub secrets, taken from the Terraform outputs of
 * {@code infrastructure/} and set with {@code gh secret set NAME --repo REPO}. A value only ever
 * travels on {@code gh}'s stdin: never in process arguments, never printed. The workflow reaches
 * AWS one of two ways ({@link Auth}); the secrets of the other way are deleted, so the repository
 * never holds a key it does not use and the workflow never picks the wrong way.
 *
 * <pre>{@code
 * GitHubSecrets.from(Path.of("infrastructure")).repo("dmfenton/CodeMonet").set();
 * }</pre>
 */
final class GitHubSecrets {
    /** How the release workflow reaches AWS (Terraform's release_auth). */
    enum Auth {
        /** The OIDC role (release_auth oidc or both): AWS_ROLE_ARN, no stored key. */
        oidc,
        /** The IAM user's access key (release_auth user). */
        keys
    }

    /**
     * One secret of the release workflow.
     *
     * @param name      the GitHub secret
     * @param output    the Terraform output that holds its value
     * @param sensitive whether the value is masked everywhere ({@link Secrets#register})
     */
    record Secret(String name, String output, boolean sensitive) {}

    static final Secret ROLE_ARN = new Secret("AWS_ROLE_ARN", "github_actions_role_arn", false);
    static final Secret ACCESS_KEY_ID = new Secret("AWS_ACCESS_KEY_ID", "github_actions_access_key_id", true);
    static final Secret SECRET_ACCESS_KEY = new Secret("AWS_SECRET_ACCESS_KEY", "github_actions_secret_access_key", true);
    static final Secret DEPLOY_BUCKET = new Secret("DEPLOY_BUCKET", "deploy_bucket", false);
    /** Every secret this command manages: what the release workflow reads from {@code secrets.*}. */
    static final List<Secret> SECRETS = List.of(ROLE_ARN, ACCESS_KEY_ID, SECRET_ACCESS_KEY, DEPLOY_BUCKET);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Path terraformDir;
    private String repo = "";
    private Auth auth;
    private String terraform = "terraform";
    private String gh = "gh";

    private GitHubSecrets(Path terraformDir) {
        this.terraformDir = terraformDir;
    }

    /** The secrets of the Terraform configuration in this directory (its state holds the values). */
    static GitHubSecrets from(Path terraformDir) {
        return new GitHubSecrets(terraformDir);
    }

    /** The repository (owner/name) that gets the secrets. Default: "" ({@code gh}'s current repository). */
    GitHubSecrets repo(String ownerAndName) {
        this.repo = ownerAndName == null ? "" : ownerAndName.strip();
        return this;
    }

    /** The way the workflow reaches AWS. Default: null, the state decides (oidc when it has the role). */
    GitHubSecrets auth(Auth way) {
        this.auth = way;
        return this;
    }

    /** The terraform program. Default: {@code terraform} on PATH. */
    GitHubSecrets terraform(String program) {
        this.terraform = program;
        return this;
    }

    /** The GitHub CLI program. Default: {@code gh} on PATH. */
    GitHubSecrets gh(String program) {
        this.gh = program;
        return this;
    }

    /** The secrets the workflow needs for this way in, in the order they are set. */
    static List<Secret> needed(Auth way) {
        return way == Auth.oidc ? List.of(ROLE_ARN, DEPLOY_BUCKET) : List.of(ACCESS_KEY_ID, SECRET_ACCESS_KEY, DEPLOY_BUCKET);
    }

    /** The secrets of the other way in, deleted so that the workflow cannot pick them. */
    static List<Secret> obsolete(Auth way) {
        return way == Auth.oidc ? List.of(ACCESS_KEY_ID, SECRET_ACCESS_KEY) : List.of(ROLE_ARN);
    }

    /** Prints what {@link #set()} would do: names and sources only; reads no state and no value. */
    List<String> plan() {
        List<String> lines = new ArrayList<>();
        for (Auth way : auth == null ? List.of(Auth.values()) : List.of(auth)) {
            if (auth == null) {
                lines.add(way == Auth.oidc ? "when the state has the OIDC role (release_auth oidc or both):"
                        : "when it has only the IAM user's key (release_auth user):");
            }
            String indent = auth == null ? "  " : "";
            for (Secret secret : needed(way)) {
                lines.add(indent + "would set " + secret.name() + " on " + target() + " from terraform output " + secret.output());
            }
            for (Secret secret : obsolete(way)) {
                lines.add(indent + "would delete " + secret.name() + " from " + target() + " (unused by the workflow this way)");
            }
        }
        lines.forEach(Console.get()::out);
        return lines;
    }

    /** Reads the outputs, sets every secret of the way in and deletes the other way's; returns the names set. */
    List<String> set() {
        JsonNode outputs = outputs();
        Auth way = auth != null ? auth : hasOutput(outputs, ROLE_ARN) ? Auth.oidc : Auth.keys;
        Map<String, String> values = valuesFrom(outputs, way, terraformDir);
        List<String> done = new ArrayList<>();
        for (Secret secret : needed(way)) {
            try {
                Cmd.of(withRepo(gh, "secret", "set", secret.name())).stdin(values.get(secret.name())).timeout(TIMEOUT).run();
            } catch (RuntimeException e) {
                throw new MonetException("gh could not set " + secret.name() + " on " + target()
                        + (done.isEmpty() ? "" : " (already set: " + String.join(", ", done) + ")") + ": " + e.getMessage(), e);
            }
            done.add(secret.name());
            Console.get().success("set " + secret.name() + " on " + target());
        }
        for (Secret secret : obsolete(way)) {
            delete(secret, way, done);
        }
        return done;
    }

    private void delete(Secret secret, Auth way, List<String> done) {
        CmdResult result = Cmd.of(withRepo(gh, "secret", "delete", secret.name())).timeout(TIMEOUT).nothrow().run();
        String said = (result.stdout() + result.stderr()).strip();
        if (result.exitCode() == 0) {
            Console.get().success("deleted " + secret.name() + " from " + target() + " (the workflow uses " + needed(way).get(0).name() + ")");
        } else if (!said.contains("HTTP 404")) {
            // gh answers 404 for a secret that is not set: nothing to delete.
            throw new MonetException("gh could not delete " + secret.name() + " from " + target() + " (already set: "
                    + String.join(", ", done) + "); delete it by hand, or the workflow may pick it: " + said);
        }
    }

    private List<String> withRepo(String... argv) {
        List<String> out = new ArrayList<>(List.of(argv));
        if (!repo.isEmpty()) {
            out.add("--repo");
            out.add(repo);
        }
        return out;
    }

    private JsonNode outputs() {
        if (!Files.isDirectory(terraformDir)) {
            throw MonetException.usage("no Terraform directory at " + terraformDir);
        }
        String json = Cmd.of(terraform, "-chdir=" + terraformDir, "output", "-json").timeout(TIMEOUT).run().stdout();
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new MonetException("terraform output -json in " + terraformDir + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** The values of the secrets this way in needs; every sensitive output is registered as a secret first. */
    static Map<String, String> valuesFrom(JsonNode outputs, Auth way, Path terraformDir) {
        for (Map.Entry<String, JsonNode> entry : outputs.properties()) {
            JsonNode output = entry.getValue();
            if (output.path("sensitive").asBoolean(false) && output.path("value").isTextual()) {
                Secrets.register(output.path("value").asText());
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Secret secret : needed(way)) {
            if (!hasOutput(outputs, secret)) {
                throw new MonetException("terraform output " + secret.output() + " is missing in " + terraformDir + ": "
                        + (secret == ROLE_ARN ? "set release_auth = \"oidc\" (or \"both\") and run `terraform apply` there"
                        : secret == DEPLOY_BUCKET ? "run `terraform apply` there first"
                        : "set release_auth = \"user\" (or \"both\") and run `terraform apply` there")
                        + " (and `terraform init` on a new machine)");
            }
            String value = outputs.path(secret.output()).path("value").asText();
            values.put(secret.name(), secret.sensitive() ? Secrets.register(value) : value);
        }
        return values;
    }

    private static boolean hasOutput(JsonNode outputs, Secret secret) {
        JsonNode value = outputs.path(secret.output()).path("value");
        return value.isTextual() && !value.asText().isBlank();
    }

    private String target() {
        return repo.isEmpty() ? "the current repository" : repo;
    }
}

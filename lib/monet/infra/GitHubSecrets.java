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

/**
 * The release workflow's GitHub secrets ({@link #SECRETS}), taken from the Terraform outputs of
 * {@code infrastructure/} and set with {@code gh secret set NAME --repo REPO}. A value only
 * ever travels on {@code gh}'s stdin: never in process arguments, never printed.
 *
 * <pre>{@code
 * GitHubSecrets.from(Path.of("infrastructure")).repo("dmfenton/CodeMonet").set();
 * }</pre>
 */
public final class GitHubSecrets {
    /**
     * One secret of the release workflow.
     *
     * @param name      the GitHub secret
     * @param output    the Terraform output that holds its value
     * @param sensitive whether the value is masked everywhere ({@link Secrets#register})
     */
    public record Secret(String name, String output, boolean sensitive) {}

    /** What the release workflow reads from {@code secrets.*}, in the order they are set. */
    public static final List<Secret> SECRETS = List.of(
            new Secret("AWS_ACCESS_KEY_ID", "github_actions_access_key_id", true),
            new Secret("AWS_SECRET_ACCESS_KEY", "github_actions_secret_access_key", true),
            new Secret("DEPLOY_BUCKET", "deploy_bucket", false));
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Path terraformDir;
    private String repo = "";
    private String terraform = "terraform";
    private String gh = "gh";

    private GitHubSecrets(Path terraformDir) {
        this.terraformDir = terraformDir;
    }

    /** The secrets of the Terraform configuration in this directory (its state holds the values). */
    public static GitHubSecrets from(Path terraformDir) {
        return new GitHubSecrets(terraformDir);
    }

    /** The repository (owner/name) that gets the secrets. Default: "" ({@code gh}'s current repository). */
    public GitHubSecrets repo(String ownerAndName) {
        this.repo = ownerAndName == null ? "" : ownerAndName.strip();
        return this;
    }

    /** The terraform program. Default: {@code terraform} on PATH. */
    public GitHubSecrets terraform(String program) {
        this.terraform = program;
        return this;
    }

    /** The GitHub CLI program. Default: {@code gh} on PATH. */
    public GitHubSecrets gh(String program) {
        this.gh = program;
        return this;
    }

    /** Prints what {@link #set()} would do: names and sources only; reads no value. */
    public List<String> plan() {
        List<String> lines = new ArrayList<>();
        for (Secret secret : SECRETS) {
            lines.add("would set " + secret.name() + " on " + target() + " from terraform output " + secret.output());
        }
        lines.forEach(Console.get()::out);
        return lines;
    }

    /** Reads the outputs and sets every secret; returns the names set. */
    public List<String> set() {
        Map<String, String> values = read();
        List<String> done = new ArrayList<>();
        for (Secret secret : SECRETS) {
            String name = secret.name();
            List<String> argv = new ArrayList<>(List.of(gh, "secret", "set", name));
            if (!repo.isEmpty()) {
                argv.add("--repo");
                argv.add(repo);
            }
            try {
                Cmd.of(argv).stdin(values.get(name)).timeout(TIMEOUT).run();
            } catch (RuntimeException e) {
                throw new MonetException("gh could not set " + name + " on " + target()
                        + (done.isEmpty() ? "" : " (already set: " + String.join(", ", done) + ")") + ": " + e.getMessage(), e);
            }
            done.add(name);
            Console.get().success("set " + name + " on " + target());
        }
        return done;
    }

    /** The secrets' values from {@code terraform output -json}, registered as secrets. */
    Map<String, String> read() {
        if (!Files.isDirectory(terraformDir)) {
            throw MonetException.usage("no Terraform directory at " + terraformDir);
        }
        String json = Cmd.of(terraform, "-chdir=" + terraformDir, "output", "-json").timeout(TIMEOUT).run().stdout();
        return valuesFrom(json, terraformDir);
    }

    /** Picks the secrets out of {@code terraform output -json}; every sensitive output is registered as a secret. */
    static Map<String, String> valuesFrom(String outputJson, Path terraformDir) {
        JsonNode outputs;
        try {
            outputs = new ObjectMapper().readTree(outputJson);
        } catch (IOException e) {
            throw new MonetException("terraform output -json in " + terraformDir + " is not JSON: " + e.getMessage(), e);
        }
        for (Map.Entry<String, JsonNode> entry : outputs.properties()) {
            JsonNode output = entry.getValue();
            if (output.path("sensitive").asBoolean(false) && output.path("value").isTextual()) {
                Secrets.register(output.path("value").asText());
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Secret secret : SECRETS) {
            JsonNode value = outputs.path(secret.output()).path("value");
            if (!value.isTextual() || value.asText().isBlank()) {
                throw new MonetException("terraform output " + secret.output() + " is missing in " + terraformDir
                        + ": run `terraform apply` there first (and `terraform init` on a new machine)");
            }
            values.put(secret.name(), secret.sensitive() ? Secrets.register(value.asText()) : value.asText());
        }
        return values;
    }

    private String target() {
        return repo.isEmpty() ? "the current repository" : repo;
    }
}

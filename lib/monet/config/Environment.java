package monet.config;

import java.util.List;

/**
 * The environment variables the toolkit reads that are not configuration keys: what GitHub
 * Actions tells a release, tokens, and the region the instance's aws CLI should use. They are
 * read only through {@link Config#get(Variable)}, so this list is the whole answer to "what does
 * the environment change?" ({@code config} prints it, secrets as set or unset only). Besides
 * these and the keys' {@code MONET_...} variables: {@code MONET_CONFIG} (which file Config
 * reads), the AWS SDK's own chain ({@code AWS_PROFILE}, {@code AWS_ENDPOINT_URL}, ...), and the
 * console's output settings ({@code NO_COLOR}, {@code TERM}, {@code MONET_CONSOLE},
 * {@code MONET_DEBUG}, {@code GITHUB_ACTIONS}, {@code GITHUB_OUTPUT}, {@code GITHUB_STEP_SUMMARY}),
 * which {@code monet.console.Console} reads itself because it exists before any configuration is
 * loaded: it is what reports a bad configuration.
 */
public final class Environment {
    private Environment() {}

    /**
     * An environment variable the toolkit reads.
     *
     * @param name        its name
     * @param description what it changes
     * @param secret      never shown, only whether it is set
     */
    public record Variable(String name, String description, boolean secret) {}

    public static final Variable MONET_RELEASE_VERSION = new Variable("MONET_RELEASE_VERSION",
            "the version release stages work on, as --version", false);
    public static final Variable GITHUB_REF_TYPE = new Variable("GITHUB_REF_TYPE",
            "GitHub Actions: 'tag' when the workflow runs for a tag (its name is then the version)", false);
    public static final Variable GITHUB_REF_NAME = new Variable("GITHUB_REF_NAME",
            "GitHub Actions: the tag or branch the workflow runs for", false);
    public static final Variable GITHUB_SHA = new Variable("GITHUB_SHA",
            "GitHub Actions: the commit when the repository has neither the version's tag nor a HEAD (in a run"
                    + " started by hand it is the branch's head, not the tag's commit)", false);
    public static final Variable GITHUB_ACTOR = new Variable("GITHUB_ACTOR",
            "GitHub Actions: who acts, for the deploy lock and the audit log (else user@host)", false);
    public static final Variable GITHUB_RUN_ID = new Variable("GITHUB_RUN_ID",
            "GitHub Actions: the run, for the deploy lock and the audit log", false);
    public static final Variable GITHUB_API_URL = new Variable("GITHUB_API_URL",
            "GitHub's API (default https://api.github.com)", false);
    public static final Variable GITHUB_TOKEN = new Variable("GITHUB_TOKEN",
            "token for GitHub's API: release publish creates the GitHub release with it", true);
    public static final Variable AWS_REGION = new Variable("AWS_REGION",
            "the region for the instance's aws CLI calls (also read by the AWS SDK itself)", false);
    public static final Variable AWS_DEFAULT_REGION = new Variable("AWS_DEFAULT_REGION",
            "the region for the instance's aws CLI calls when AWS_REGION is unset", false);

    /** Every variable above. */
    public static final List<Variable> ALL = List.of(MONET_RELEASE_VERSION, GITHUB_REF_TYPE, GITHUB_REF_NAME, GITHUB_SHA,
            GITHUB_ACTOR, GITHUB_RUN_ID, GITHUB_API_URL, GITHUB_TOKEN, AWS_REGION, AWS_DEFAULT_REGION);
}

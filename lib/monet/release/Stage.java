package monet.release;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import monet.pipeline.Step;

/**
 * One stage of a release, declared once ({@link Stages#ALL}): its subcommand ({@code release
 * NAME}), its step in {@code release pipeline}, its row in docs/release.md and its step in
 * release.yml are all made from, or checked against, this.
 *
 * @param name     the subcommand and the step ("deploy")
 * @param help     what it does, in one line
 * @param details  the rest of its {@code --help}
 * @param after    the stages that must succeed before it; the pipeline runs each stage once these
 *                 have, beside the other stages that wait for no more than it does
 * @param switches the flags it takes besides the common ones
 * @param step     its step, for one release's {@link Stages}
 */
public record Stage(String name, String help, String details, List<String> after, Set<Switch> switches,
                    Function<Stages, Step> step) {
    /** A flag one or more stages take. */
    public enum Switch {
        REQUIRE_E2E("--require-e2e", "Fail e2e instead of skipping it when its secret is absent."),
        NO_ROLLBACK("--no-rollback", "When verify fails, leave the new version deployed instead of rolling back.");

        private final String option;
        private final String help;

        Switch(String option, String help) {
            this.option = option;
            this.help = help;
        }

        /** The option, such as {@code --no-rollback}. */
        public String option() {
            return option;
        }

        /** Its one-line help. */
        public String help() {
            return help;
        }
    }

    /**
     * The stages in levels: a stage's level is one more than the highest of the stages it comes
     * after; the stages of one level run side by side, each level once the one before succeeded.
     * Declaration order within a level. Checks that every name after refers to an earlier stage.
     */
    public static List<List<Stage>> levels(List<Stage> stages) {
        Map<String, Integer> level = new LinkedHashMap<>();
        List<List<Stage>> levels = new ArrayList<>();
        for (Stage stage : stages) {
            int mine = 0;
            for (String before : stage.after()) {
                Integer theirs = level.get(before);
                if (theirs == null) {
                    throw new IllegalStateException("stage '" + stage.name() + "' comes after '" + before
                            + "', which is not declared before it");
                }
                mine = Math.max(mine, theirs + 1);
            }
            level.put(stage.name(), mine);
            while (levels.size() <= mine) {
                levels.add(new ArrayList<>());
            }
            levels.get(mine).add(stage);
        }
        return levels;
    }
}

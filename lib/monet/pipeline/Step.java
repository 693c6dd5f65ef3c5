package monet.pipeline;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One named step of a {@link Pipeline}: an action, or a group of steps that run at the same
 * time. Every chaining method returns {@code this}.
 */
public final class Step {
    private final String name;
    private final List<Step> parallel;
    private Action action;
    private Supplier<String> description;
    private Action rollback;
    private String rollbackDescription;
    private boolean commits;

    private Step(String name, List<Step> parallel) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a step needs a name");
        }
        this.name = name;
        this.parallel = parallel;
    }

    /** A step to be given an {@link #action}. */
    public static Step named(String name) {
        return new Step(name, List.of());
    }

    /** A step that runs the given steps at the same time and fails if any of them fails. */
    static Step parallel(String name, Step... steps) {
        if (steps.length == 0) {
            throw new IllegalArgumentException("parallel group '" + name + "' has no steps");
        }
        Step group = new Step(name, List.of(steps));
        group.description = () -> "in parallel: " + String.join(", ", group.parallel.stream().map(Step::name).toList());
        return group;
    }

    /** What the step does. */
    public Step action(Action stepAction) {
        this.action = Objects.requireNonNull(stepAction, "action");
        return this;
    }

    /** What {@code --dry-run} prints for this step, computed when it is printed. Default: "(no description)". */
    public Step describe(Supplier<String> text) {
        this.description = text;
        return this;
    }

    /**
     * The compensating action, with what a dry run prints for it: run (in reverse order of
     * completion) when a later step fails, for every step that completed, in this run or, when
     * the run starts further on ({@link Pipeline#only}), in an earlier one. Default: none.
     */
    public Step rollback(String what, Action compensation) {
        this.rollback = Objects.requireNonNull(compensation, "compensation");
        this.rollbackDescription = what;
        return this;
    }

    /**
     * Makes this step a point of no return: once it succeeds, what the steps before it did
     * stands, and a later failure no longer runs their rollbacks. Default: off.
     */
    public Step commits() {
        this.commits = true;
        return this;
    }

    String name() {
        return name;
    }

    Action action() {
        return action;
    }

    String description() {
        return description == null ? "(no description)" : description.get();
    }

    Action rollbackAction() {
        return rollback;
    }

    String rollbackDescription() {
        return rollbackDescription;
    }

    boolean isCommitPoint() {
        return commits;
    }

    List<Step> children() {
        return parallel;
    }

    boolean isGroup() {
        return !parallel.isEmpty();
    }

    /** What a step does, given its context. */
    @FunctionalInterface
    public interface Action {
        void run(StepContext context) throws Exception;
    }
}

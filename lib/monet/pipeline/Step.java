package monet.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import monet.process.Cmd;

/**
 * One named step of a {@link Pipeline}: an action, or a command, or a parallel group, or a wait.
 * Every chaining method returns {@code this}.
 */
public final class Step {
    private final String name;
    private Action action;
    private Supplier<String> description;
    private Retry retry = Retry.none();
    private Duration timeout = Duration.ZERO;
    private Action rollback;
    private String rollbackDescription;
    private final List<Step> parallel;

    private Step(String name, List<Step> parallel) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a step needs a name");
        }
        this.name = name;
        this.parallel = parallel;
    }

    /** A step to be given an {@link #action} or a {@link #command}. */
    public static Step named(String name) {
        return new Step(name, List.of());
    }

    /** A step that runs the given steps at the same time and fails if any of them fails. */
    public static Step parallel(String name, Step... steps) {
        if (steps.length == 0) {
            throw new IllegalArgumentException("parallel group '" + name + "' has no steps");
        }
        Step group = new Step(name, List.of(steps));
        group.description = () -> "in parallel: " + String.join(", ", group.parallel.stream().map(Step::name).toList());
        return group;
    }

    /** A step that waits (see {@link Wait}); its value is stored in the context under the step's name. */
    public static Step waitFor(String name, Wait<?> wait) {
        return named(name)
                .action(ctx -> ctx.put(name, ctx.await(wait)))
                .describe(() -> "wait up to " + wait.deadline().toSeconds() + "s for " + wait.what());
    }

    /** What the step does. */
    public Step action(Action stepAction) {
        this.action = Objects.requireNonNull(stepAction, "action");
        return this;
    }

    /** Runs a command (its line is what {@code --dry-run} prints). */
    public Step command(Cmd command) {
        this.action = ctx -> ctx.run(command);
        this.description = command::render;
        return this;
    }

    /** What {@code --dry-run} prints for this step. Default: the command, or "(no description)". */
    public Step describe(String text) {
        return describe(() -> text);
    }

    /** What {@code --dry-run} prints, computed when it is printed. */
    public Step describe(Supplier<String> text) {
        this.description = text;
        return this;
    }

    /** Retries the whole step on failure. Default: {@link Retry#none()}. */
    public Step retry(Retry policy) {
        this.retry = policy;
        return this;
    }

    /** Limit for each command and wait run through the step's context. Default: none. */
    public Step timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }

    /** The compensating action, run (in reverse order) when a later step fails. Default: none. */
    public Step rollback(Action compensation) {
        return rollback(null, compensation);
    }

    /** The compensating action with what {@code --dry-run} prints for it. */
    public Step rollback(String description, Action compensation) {
        this.rollback = compensation;
        this.rollbackDescription = description;
        return this;
    }

    public String name() {
        return name;
    }

    Action action() {
        return action;
    }

    String description() {
        return description == null ? (action == null ? "(nothing to do)" : "(no description)") : description.get();
    }

    Retry retryPolicy() {
        return retry;
    }

    Duration timeout() {
        return timeout;
    }

    Action rollbackAction() {
        return rollback;
    }

    String rollbackDescription() {
        return rollbackDescription;
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

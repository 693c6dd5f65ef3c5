package monet.pipeline;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import monet.console.Console;
import monet.process.Cmd;
import monet.process.CmdResult;

/** What a running step can use: commands, waits, shared values, outputs and progress. */
public final class StepContext {
    private final String stepName;
    private final Duration timeout;
    private final Console console;
    private final Map<String, Object> values;
    private final Map<String, String> outputs;
    private volatile String note = "";

    StepContext(String stepName, Duration timeout, Console console, Map<String, Object> values, Map<String, String> outputs) {
        this.stepName = stepName;
        this.timeout = timeout;
        this.console = console;
        this.values = values;
        this.outputs = outputs;
    }

    public String stepName() {
        return stepName;
    }

    public Console console() {
        return console;
    }

    /** Runs a command, applying the step's timeout when the command has none of its own. */
    public CmdResult run(Cmd command) {
        return (command.timeout().isZero() && !timeout.isZero() ? command.timeout(timeout) : command).run();
    }

    /** Waits, bounded by the step's timeout when it is shorter than the wait's deadline. */
    public <T> T await(Wait<T> wait) throws Exception {
        if (!timeout.isZero() && timeout.compareTo(wait.deadline()) < 0) {
            wait.deadline(timeout);
        }
        return wait.await(console);
    }

    /** Stores a value for later steps. */
    public void put(String key, Object value) {
        values.put(key, value);
    }

    /** A value an earlier step stored. */
    public <T> Optional<T> get(String key, Class<T> type) {
        return Optional.ofNullable(values.get(key)).map(type::cast);
    }

    /** A value an earlier step must have stored. */
    public <T> T require(String key, Class<T> type) {
        return get(key, type).orElseThrow(() -> new IllegalStateException(
                "step '" + stepName + "' needs '" + key + "', which no earlier step provided"));
    }

    /** Publishes an output: {@code $GITHUB_OUTPUT} under GitHub Actions, and the pipeline's result. */
    public void output(String name, String value) {
        outputs.put(name, value);
        console.setOutput(name, value);
    }

    /** A short note shown beside the step in the summary. */
    public void note(String text) {
        this.note = text;
    }

    String note() {
        return note;
    }

    /** Ends the step now as skipped, with the reason shown in the summary. */
    public void skip(String reason) {
        throw new StepSkipped(reason);
    }

    /** Thrown by {@link #skip}. */
    static final class StepSkipped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepSkipped(String reason) {
            super(reason, null, false, false);
        }
    }
}

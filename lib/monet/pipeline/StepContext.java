package monet.pipeline;

import java.util.Map;
import monet.console.Console;

/** What a running step can use: the console, a note for the summary, outputs, and skipping. */
public final class StepContext {
    private final Console console;
    private final Map<String, String> outputs;
    private volatile String note = "";

    StepContext(Console console, Map<String, String> outputs) {
        this.console = console;
        this.outputs = outputs;
    }

    public Console console() {
        return console;
    }

    /** Publishes an output: {@code $GITHUB_OUTPUT} under GitHub Actions, and the pipeline's result. */
    public void output(String name, String value) {
        synchronized (outputs) {
            outputs.put(name, value);
        }
        console.setOutput(name, value);
    }

    /** A short note shown beside the step in the summary (and, for a rollback, in the failure's message). */
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

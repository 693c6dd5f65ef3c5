package monet.pipeline;


/** A pipeline failed: the message names the step and the cause; {@link #summary()} has every step's outcome. */
public final class PipelineException extends monet.MonetException {
    private static final long serialVersionUID = 1L;
    private final transient Summary summary;
    private final String failedStep;

    PipelineException(String failedStep, String message, Throwable cause, Summary summary) {
        super(message, FAILURE, cause);
        this.failedStep = failedStep;
        this.summary = summary;
    }

    /** The name of the step that failed. */
    public String failedStep() {
        return failedStep;
    }

    Summary summary() {
        return summary;
    }
}

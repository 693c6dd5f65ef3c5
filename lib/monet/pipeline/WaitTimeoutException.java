package monet.pipeline;


/** A {@link Wait} reached its deadline: the message says what was awaited, for how long, and the last state seen. */
public final class WaitTimeoutException extends monet.MonetException {
    private static final long serialVersionUID = 1L;

    WaitTimeoutException(String message) {
        super(message, FAILURE, null);
    }
}

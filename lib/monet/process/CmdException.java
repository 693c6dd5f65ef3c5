package monet.process;

/**
 * A command failed: it exited with a code that was not allowed, timed out, or could not start.
 * The message says what ran, where, how it ended and the tail of its output, secrets masked.
 */
public final class CmdException extends monet.MonetException {
    private static final long serialVersionUID = 1L;

    CmdException(String message, Throwable cause) {
        super(message, FAILURE, cause);
    }
}

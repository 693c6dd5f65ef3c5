package monet;

import monet.console.Secrets;

/**
 * The toolkit's one failure type: its message is what the user sees (secrets masked), its exit
 * code what the process returns: {@value #FAILURE} for a failure, {@value #USAGE} for bad input.
 */
public class MonetException extends RuntimeException {
    /** Exit code of a failure. */
    public static final int FAILURE = 1;
    /** Exit code of bad usage or input. */
    public static final int USAGE = 2;
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public MonetException(String message) {
        this(message, FAILURE, null);
    }

    public MonetException(String message, Throwable cause) {
        this(message, FAILURE, cause);
    }

    protected MonetException(String message, int exitCode, Throwable cause) {
        super(Secrets.mask(message), cause);
        this.exitCode = exitCode;
    }

    /** Bad input from the user: exit code {@value #USAGE}. */
    public static MonetException usage(String message) {
        return new MonetException(message, USAGE, null);
    }

    /** The process exit code this failure maps to. */
    public int exitCode() {
        return exitCode;
    }
}

package monet.changelog;

import monet.MonetException;

/** A changelog that cannot be read or an edit that was refused; the file is left as it was. */
public class ChangelogException extends MonetException {
    private static final long serialVersionUID = 1L;

    ChangelogException(String message) {
        super(message);
    }

    ChangelogException(String message, Throwable cause) {
        super(message, cause);
    }

    private ChangelogException(String message, int exitCode) {
        super(message, exitCode, null);
    }

    /** Bad input from the user (exit code 2). */
    public static ChangelogException usage(String message) {
        return new ChangelogException(message, USAGE);
    }
}

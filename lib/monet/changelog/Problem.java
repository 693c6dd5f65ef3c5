package monet.changelog;

/**
 * One lint finding: where (1-based line and column, columns counted in characters), how bad, which
 * rule and what to do about it.
 */
public record Problem(int line, int column, Severity severity, String rule, String message) {
    /** Errors fail {@code lint}; warnings are real changelogs' harmless deviations. */
    public enum Severity { ERROR, WARNING }

    /** True for {@link Severity#ERROR}. */
    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code FILE:LINE:COLUMN: message} for an error, {@code FILE:LINE:COLUMN: warning: message} for a warning. */
    public String format(String file) {
        return file + ":" + line + ":" + column + ": " + (isError() ? "" : "warning: ") + message + " [" + rule + "]";
    }
}

package monet.process;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * POSIX shell quoting: text that must reach a remote {@code sh} as exactly one argument,
 * byte for byte (quotes, {@code $}, backticks, newlines, non-ASCII included).
 */
public final class Shell {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private Shell() {}

    /**
     * Quotes one argument for a POSIX shell. Plain words stay as they are; anything else is
     * wrapped in single quotes, with each single quote written as {@code '\''}.
     *
     * @throws IllegalArgumentException for a NUL character, which no shell argument can hold
     */
    public static String quote(String argument) {
        if (argument.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a shell argument cannot contain a NUL character");
        }
        if (!argument.isEmpty() && SAFE.matcher(argument).matches()) {
            return argument;
        }
        return "'" + argument.replace("'", "'\\''") + "'";
    }

    /** Quotes each argument and joins them with spaces: a command line for {@code sh -c}. */
    public static String join(List<String> arguments) {
        return arguments.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }

    /** {@link #join(List)} for varargs. */
    public static String join(String... arguments) {
        return join(List.of(arguments));
    }
}

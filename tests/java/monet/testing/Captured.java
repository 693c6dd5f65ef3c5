package monet.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import monet.console.Console;

/** A {@link Console} writing into memory, for asserting on what the library prints. */
public final class Captured {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Console console;

    private Captured(Console.Mode mode, Map<String, String> env) {
        console = Console.create(mode, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
    }

    /** A console in the given mode with the given environment (for GITHUB_OUTPUT and friends). */
    public static Captured console(Console.Mode mode, Map<String, String> env) {
        return new Captured(mode, env);
    }

    /** A plain console. */
    public static Captured plain() {
        return new Captured(Console.Mode.PLAIN, Map.of());
    }

    public Console console() {
        return console;
    }

    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Everything, stdout then stderr. */
    public String all() {
        return out() + err();
    }
}

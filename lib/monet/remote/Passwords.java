package monet.remote;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import monet.MonetException;
import monet.console.Console;
import monet.console.Secrets;

/**
 * Where create-user's password comes from, in order: the argument, {@code --password-stdin}
 * (one line), a no-echo prompt when there is a terminal, or a generated one (shown once).
 * Every password is registered with {@link Secrets}, so no log or message can show it.
 */
public final class Passwords {
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int GENERATED_LENGTH = 20;
    /**
     * The shortest password accepted (NIST SP 800-63B's minimum for chosen passwords). Shorter
     * ones are weak, and a secret of a character or two cannot be kept out of output: masking
     * it would garble every line that happens to contain those characters.
     */
    static final int MIN_LENGTH = 8;

    private Passwords() {}

    /** A password and whether it was generated (then the user must be shown it once). */
    public record Password(String value, boolean generated) {
        @Override
        public String toString() {
            return Secrets.MASK;
        }
    }

    /**
     * Resolves the password.
     *
     * @param argument  the PASSWORD argument (null if none)
     * @param fromStdin {@code --password-stdin}
     * @param stdin     the stream to read it from
     * @param prompt    whether a no-echo terminal prompt may be used
     */
    public static Password resolve(String argument, boolean fromStdin, InputStream stdin, boolean prompt) {
        if (argument != null && fromStdin) {
            throw MonetException.usage("give the password as an argument or with --password-stdin, not both");
        }
        if (argument != null) {
            Console.get().warn("a password given as an argument is visible in your shell history and process list;"
                    + " prefer --password-stdin or the prompt");
            return new Password(check(argument), false);
        }
        if (fromStdin) {
            try {
                String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
                if (line == null) {
                    throw MonetException.usage("--password-stdin: stdin was empty");
                }
                return new Password(check(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line), false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the password from stdin", e);
            }
        }
        java.io.Console terminal = System.console();
        if (prompt && terminal != null) {
            char[] typed = terminal.readPassword("Password (empty: generate one): ");
            if (typed != null && typed.length > 0) {
                char[] again = terminal.readPassword("Again: ");
                if (again == null || !new String(typed).equals(new String(again))) {
                    throw MonetException.usage("the passwords did not match");
                }
                return new Password(check(new String(typed)), false);
            }
        }
        return generate();
    }

    /** A random password of {@value #GENERATED_LENGTH} letters and digits. */
    public static Password generate() {
        SecureRandom random = new SecureRandom();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < GENERATED_LENGTH; i++) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        Secrets.register(text.toString());
        return new Password(text.toString(), true);
    }

    private static String check(String password) {
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH || length > 1024 || password.indexOf('\n') >= 0 || password.indexOf('\r') >= 0
                || password.indexOf('\0') >= 0) {
            throw MonetException.usage("a password must be " + MIN_LENGTH + " to 1024 characters on one line, without NUL"
                    + (length < MIN_LENGTH ? " (this one has " + length + ")" : ""));
        }
        Secrets.register(password);
        return password;
    }

    /** Prints text containing a generated password on stdout, unmasked: the one time it is shown. */
    static void showOnce(String text) {
        System.out.println(text);
        System.out.flush();
    }
}

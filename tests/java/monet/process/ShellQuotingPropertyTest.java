package monet.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random strings go through {@link Shell#quote} into a real /bin/sh and must come
 * back byte for byte, as one argument each.
 */
class ShellQuotingPropertyTest {
    private static final String NASTY = "'\"`$\\!*?[]{}()<>|&;#~= \t\n\r%^,.:-_+@/";
    private static final int CASES = 4000;
    private static final int PER_SHELL = 500;

    @Test
    void randomStringsArriveUnchangedAsOneArgument() {
        Random random = new Random(20261126L);
        List<String> cases = new ArrayList<>(List.of("", " ", "'", "''", "\"", "$HOME", "`id`", "$(id)", "a b",
                "\n", "-n", "--", "*", "~", "é ü 漢字 🎨", "\\", "'\\''", "x\ny", "$'\\n'", "!!", "%s%n"));
        while (cases.size() < CASES) {
            cases.add(randomString(random));
        }
        for (int from = 0; from < cases.size(); from += PER_SHELL) {
            List<String> batch = cases.subList(from, Math.min(cases.size(), from + PER_SHELL));
            // Each argument is printed as hex on its own line: what the shell received, exactly.
            StringBuilder script = new StringBuilder("for a in");
            for (String c : batch) {
                script.append(' ').append(Shell.quote(c));
            }
            script.append("; do printf '%s' \"$a\" | od -An -v -tx1 | tr -d ' \\n'; echo; done");
            CmdResult result = Cmd.of("/bin/sh", "-c", script.toString()).run();
            List<String> lines = result.stdout().lines().toList();
            assertThat(lines).as("one line per argument").hasSize(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                String expected = HexFormat.of().formatHex(batch.get(i).getBytes(StandardCharsets.UTF_8));
                assertThat(lines.get(i)).as("argument %d: %s", from + i, batch.get(i)).isEqualTo(expected);
            }
        }
    }

    @Test
    void plainWordsStayReadable() {
        assertThat(Shell.quote("drawing-agent")).isEqualTo("drawing-agent");
        assertThat(Shell.quote("/home/ec2-user/data/code_monet.db")).isEqualTo("/home/ec2-user/data/code_monet.db");
        assertThat(Shell.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(Shell.quote("")).isEqualTo("''");
        assertThat(Shell.join("echo", "a b", "$x")).isEqualTo("echo 'a b' '$x'");
    }

    @Test
    void nulIsRefusedBecauseNoArgumentCanHoldIt() {
        assertThatThrownBy(() -> Shell.quote("a\0b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    }

    private static String randomString(Random random) {
        int length = random.nextInt(24);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            if (kind < 5) {
                s.append(NASTY.charAt(random.nextInt(NASTY.length())));
            } else if (kind < 8) {
                s.append((char) ('a' + random.nextInt(26)));
            } else if (kind < 9) {
                s.appendCodePoint(0x80 + random.nextInt(0x2000));
            } else {
                s.appendCodePoint(0x1F300 + random.nextInt(0x300));
            }
        }
        return s.toString();
    }
}

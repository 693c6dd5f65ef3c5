package monet.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import monet.testing.Repo;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code ./jbang SCRIPT ...} command shown in a code block of the README, docs/ or bench/README.md
 * parses against the script's real picocli model: the subcommands and options exist and the values
 * are accepted. (The README's first command is also run for real, by DryRunTest.)
 */
class DocsCommandsTest {
    private static final java.util.Map<String, String> SCRIPT_CLASSES =
            java.util.Map.of("remote", "remote", "release", "release", "changelog", "changelog", "ses-test", "SesTest");
    private static final java.util.Set<String> SCRIPTS = SCRIPT_CLASSES.keySet();

    /** A command in a document, where it stands. */
    record Shown(Path file, int line, List<String> words) {
        @Override
        public String toString() {
            return Repo.root().relativize(file) + ":" + line + ": ./jbang " + String.join(" ", words);
        }
    }

    static List<Path> documents() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Repo.file("README.md"), Repo.file("bench/README.md")));
        try (Stream<Path> docs = Files.list(Repo.file("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    /** The {@code ./jbang SCRIPT} commands inside fenced code blocks of a Markdown file. */
    static List<Shown> commands(Path file) throws IOException {
        List<Shown> shown = new ArrayList<>();
        boolean inFence = false;
        int number = 0;
        for (String line : Files.readAllLines(file)) {
            number++;
            String stripped = line.strip();
            if (stripped.startsWith("```") || stripped.startsWith("~~~")) {
                inFence = !inFence;
                continue;
            }
            if (!inFence) {
                continue;
            }
            int at = stripped.indexOf("./jbang ");
            if (at < 0) {
                continue;
            }
            List<String> words = ShellWords.split(stripped.substring(at + "./jbang ".length()));
            if (!words.isEmpty() && SCRIPTS.contains(words.get(0))) {
                shown.add(new Shown(file, number, words));
            }
        }
        return shown;
    }

    @Test
    void everyDocumentedCommandParses() throws Exception {
        List<String> problems = new ArrayList<>();
        List<Shown> all = new ArrayList<>();
        for (Path doc : documents()) {
            all.addAll(commands(doc));
        }
        for (Shown command : all) {
            String script = command.words().get(0);
            CommandLine cli = new CommandLine(Class.forName("monet.scripts." + SCRIPT_CLASSES.get(script)));
            try {
                cli.parseArgs(command.words().subList(1, command.words().size()).toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                problems.add(command + "\n    " + e.getMessage());
            }
        }
        assertThat(all).as("commands found in the docs").hasSizeGreaterThan(20);
        assertThat(problems).as("documented commands that the scripts do not accept").isEmpty();
    }

    @Test
    void aCommandTheScriptDoesNotKnowIsCaught(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path doc = tmp.resolve("x.md");
        Files.writeString(doc, "text\n```bash\n./jbang remote logz --tail 5   # typo\n./jbang remote logs --nope\n```\n");
        List<Shown> shown = commands(doc);
        assertThat(shown).hasSize(2);
        for (Shown command : shown) {
            CommandLine cli = new CommandLine(Class.forName("monet.scripts.remote"));
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> cli.parseArgs(command.words().subList(1, command.words().size()).toArray(String[]::new)))
                    .as(command.toString()).isInstanceOf(CommandLine.ParameterException.class);
        }
    }

    @Test
    void shellWordsFollowTheShell() {
        assertThat(ShellWords.split("remote exec 'echo \"$HOME\"; id'   # in the container"))
                .containsExactly("remote", "exec", "echo \"$HOME\"; id");
        assertThat(ShellWords.split("remote create-user a@b.c --password-stdin < pw.txt"))
                .containsExactly("remote", "create-user", "a@b.c", "--password-stdin");
        assertThat(ShellWords.split("changelog add fixed \"A \\\"quoted\\\" fix.\" | cat"))
                .containsExactly("changelog", "add", "fixed", "A \"quoted\" fix.");
        assertThat(ShellWords.split("release deploy --version 1.4.0 && echo ok")).containsExactly("release", "deploy", "--version", "1.4.0");
    }

    /** POSIX-shell word splitting of one command line, up to a comment, redirection or command separator. */
    static final class ShellWords {
        private ShellWords() {}

        static List<String> split(String line) {
            List<String> words = new ArrayList<>();
            StringBuilder word = null;
            int i = 0;
            while (i < line.length()) {
                char c = line.charAt(i);
                if (c == '\'') {
                    int end = line.indexOf('\'', i + 1);
                    word = append(word, line.substring(i + 1, end < 0 ? line.length() : end));
                    i = end < 0 ? line.length() : end + 1;
                } else if (c == '"') {
                    word = word == null ? new StringBuilder() : word;
                    i++;
                    while (i < line.length() && line.charAt(i) != '"') {
                        if (line.charAt(i) == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                            i++;
                        }
                        word.append(line.charAt(i++));
                    }
                    i++;
                } else if (c == '\\' && i + 1 < line.length()) {
                    word = append(word, String.valueOf(line.charAt(i + 1)));
                    i += 2;
                } else if (Character.isWhitespace(c)) {
                    if (word != null) {
                        words.add(word.toString());
                        word = null;
                    }
                    i++;
                } else if (word == null && (c == '#' || "<>|;&".indexOf(c) >= 0)) {
                    return words;
                } else if ("<>|;&".indexOf(c) >= 0) {
                    words.add(word.toString());
                    return words;
                } else {
                    word = append(word, String.valueOf(c));
                    i++;
                }
            }
            if (word != null) {
                words.add(word.toString());
            }
            return words;
        }

        private static StringBuilder append(StringBuilder word, String text) {
            return (word == null ? new StringBuilder() : word).append(text);
        }
    }
}

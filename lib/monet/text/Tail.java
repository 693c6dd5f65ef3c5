package monet.text;

import java.util.List;
import java.util.stream.Collectors;

/** The end of what a command printed, for the message that says it failed. */
public final class Tail {
    /** How many lines a failure message shows. */
    public static final int LINES = 20;
    private static final int LINE_LENGTH = 500;

    private Tail() {}

    /**
     * The last {@value #LINES} lines of stderr, or of stdout when stderr is empty, each as
     * {@code "  | line"} (cut at 500 characters), under a line naming the stream and, when some
     * were left out, how many: {@code "\nstderr (last 20 of 57 lines):\n  | ..."}. {@code " (no output)"}
     * when both are empty.
     */
    public static String of(String stdout, String stderr) {
        String source = stderr.isBlank() ? stdout : stderr;
        String name = stderr.isBlank() ? "stdout" : "stderr";
        if (source.isBlank()) {
            return " (no output)";
        }
        List<String> lines = source.strip().lines().toList();
        int from = Math.max(0, lines.size() - LINES);
        String shown = lines.subList(from, lines.size()).stream()
                .map(line -> "  | " + (line.length() > LINE_LENGTH ? line.substring(0, LINE_LENGTH) + "…" : line))
                .collect(Collectors.joining("\n"));
        String header = from == 0 ? name + ":" : name + " (last " + (lines.size() - from) + " of " + lines.size() + " lines):";
        return "\n" + header + "\n" + shown;
    }
}

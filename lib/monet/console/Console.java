package monet.console;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Where everything the toolkit says goes. Data goes to stdout ({@link #out}); diagnostics,
 * progress and step headers go to stderr. Every line passes through {@link Secrets#mask}.
 *
 * <p>Three modes, picked by {@link #detect()}:
 * <ul>
 *   <li>{@link Mode#GITHUB_ACTIONS} when {@code GITHUB_ACTIONS=true}: {@code ::group::} per step,
 *       {@code ::error::}/{@code ::warning::} annotations, {@code ::add-mask::} for secrets,
 *       {@code $GITHUB_OUTPUT} and {@code $GITHUB_STEP_SUMMARY}.</li>
 *   <li>{@link Mode#TERMINAL} on an interactive terminal without {@code NO_COLOR}: colour and a
 *       live status line with the elapsed time.</li>
 *   <li>{@link Mode#PLAIN} otherwise: plain lines, no escape codes.</li>
 * </ul>
 * {@code MONET_CONSOLE=plain|terminal|github} forces a mode; {@code MONET_DEBUG} adds stack
 * traces to failures.
 *
 * <p>The console reads these variables itself, not through {@code monet.config.Config} (which
 * reads every other one): it exists before any configuration is loaded, since it is what reports
 * a bad configuration, and library code reaches it without a Config in hand.
 */
public final class Console {
    /** How output is rendered. */
    public enum Mode { TERMINAL, PLAIN, GITHUB_ACTIONS }

    private static volatile Console current;

    private final Mode mode;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Object lock = new Object();
    private LiveStatus live;

    private Console(Mode mode, PrintStream out, PrintStream err, Map<String, String> env) {
        this.mode = mode;
        this.out = out;
        this.err = err;
        this.env = env;
        if (mode == Mode.GITHUB_ACTIONS) {
            Secrets.announceWith(value -> {
                synchronized (lock) {
                    out.println("::add-mask::" + value);
                    out.flush();
                }
            });
        }
    }

    /** The process-wide console, detected from the environment on first use. */
    public static Console get() {
        Console console = current;
        if (console == null) {
            synchronized (Console.class) {
                if (current == null) {
                    // UTF-8 whatever the locale: a C locale would turn every non-ASCII character into '?'.
                    current = create(detectMode(System.getenv(), System.console() != null),
                            new PrintStream(System.out, true, StandardCharsets.UTF_8),
                            new PrintStream(System.err, true, StandardCharsets.UTF_8), System.getenv());
                }
                console = current;
            }
        }
        return console;
    }

    /** Replaces the process-wide console (tests, or a script that wants another stream). */
    public static void set(Console console) {
        current = console;
    }

    /** A console writing to the given streams, reading GitHub Actions' files from {@code env}. */
    public static Console create(Mode mode, PrintStream out, PrintStream err, Map<String, String> env) {
        return new Console(mode, out, err, Map.copyOf(env));
    }

    /** The mode for an environment: see the class comment. */
    public static Mode detectMode(Map<String, String> env, boolean interactive) {
        String forced = env.getOrDefault("MONET_CONSOLE", "");
        switch (forced) {
            case "plain": return Mode.PLAIN;
            case "terminal": return Mode.TERMINAL;
            case "github": return Mode.GITHUB_ACTIONS;
            default: break;
        }
        if ("true".equals(env.get("GITHUB_ACTIONS"))) {
            return Mode.GITHUB_ACTIONS;
        }
        boolean noColor = env.containsKey("NO_COLOR") && !env.get("NO_COLOR").isEmpty();
        boolean dumb = "dumb".equals(env.get("TERM"));
        return interactive && !noColor && !dumb ? Mode.TERMINAL : Mode.PLAIN;
    }

    public Mode mode() {
        return mode;
    }

    /** True when {@code MONET_DEBUG} is set: failures come with their stack trace. */
    public boolean debug() {
        return env.get("MONET_DEBUG") != null;
    }

    /** True on an interactive terminal: prompts and live progress make sense. */
    public boolean interactive() {
        return mode == Mode.TERMINAL;
    }

    /** Prints a line of data to stdout. */
    public void out(String line) {
        synchronized (lock) {
            clearLive();
            out.println(Secrets.mask(line));
            out.flush();
            redrawLive();
        }
    }

    /** Prints data to stdout as it is, without adding a newline. */
    public void outRaw(String text) {
        synchronized (lock) {
            clearLive();
            out.print(Secrets.mask(text));
            out.flush();
            redrawLive();
        }
    }

    /** Prints a diagnostic line to stderr. */
    public void info(String line) {
        emit(Secrets.mask(line));
    }

    /** A success line: a check mark on a terminal. */
    public void success(String line) {
        emit(paint("32", mode == Mode.TERMINAL ? "✓ " : "") + Secrets.mask(line));
    }

    /** A warning: {@code ::warning::} under GitHub Actions, "warning:" elsewhere. */
    public void warn(String message) {
        String masked = Secrets.mask(message);
        if (mode == Mode.GITHUB_ACTIONS) {
            emit("::warning::" + escapeData(masked));
        } else {
            emit(paint("33", "warning: ") + masked);
        }
    }

    /** An error: {@code ::error title=...::} under GitHub Actions, "error:" elsewhere. */
    public void error(String title, String message) {
        String masked = Secrets.mask(message);
        if (mode == Mode.GITHUB_ACTIONS) {
            String prefix = title == null ? "::error::" : "::error title=" + escapeProperty(Secrets.mask(title)) + "::";
            emit(prefix + escapeData(masked));
        } else {
            emit(paint("31", "error: ") + (title == null ? "" : Secrets.mask(title) + ": ") + masked);
        }
    }

    /** Opens a group: {@code ::group::} under GitHub Actions, a header line elsewhere. */
    public Group group(String title) {
        String masked = Secrets.mask(title);
        if (mode == Mode.GITHUB_ACTIONS) {
            emit("::group::" + masked);
            return () -> emit("::endgroup::");
        }
        emit(paint("1", "==> " + masked));
        return () -> {};
    }

    /**
     * Shows a live status line (label, detail, elapsed time) on a terminal until closed.
     * Elsewhere it prints the label once and stays silent, so logs are not flooded.
     */
    public Status status(String label) {
        if (mode != Mode.TERMINAL) {
            emit(Secrets.mask(label) + " ...");
            return new Status(null);
        }
        synchronized (lock) {
            if (live != null) {
                live.stop();
            }
            live = new LiveStatus(label);
            live.start();
            return new Status(live);
        }
    }

    /** Writes a step output: {@code $GITHUB_OUTPUT} when set, else nothing. */
    public void setOutput(String name, String value) {
        String file = env.get("GITHUB_OUTPUT");
        if (file == null || file.isEmpty()) {
            return;
        }
        String entry;
        if (value.contains("\n")) {
            String delimiter = "EOF_" + UUID.randomUUID().toString().replace("-", "");
            entry = name + "<<" + delimiter + "\n" + value + "\n" + delimiter + "\n";
        } else {
            entry = name + "=" + value + "\n";
        }
        append(file, entry);
    }

    /** Appends Markdown to {@code $GITHUB_STEP_SUMMARY} when set; returns whether it did. */
    public boolean appendSummary(String markdown) {
        String file = env.get("GITHUB_STEP_SUMMARY");
        if (file == null || file.isEmpty()) {
            return false;
        }
        append(file, Secrets.mask(markdown));
        return true;
    }

    /** Colours text with an ANSI SGR code on a terminal; plain elsewhere. */
    public String paint(String sgr, String text) {
        return mode == Mode.TERMINAL ? "\u001b[" + sgr + "m" + text + "\u001b[0m" : text;
    }

    /** Formats a duration the way every summary shows it: 850ms, 12.3s, 4m05s. */
    public static String formatDuration(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format("%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        return String.format("%dm%02ds", seconds / 60, seconds % 60);
    }

    private void emit(String line) {
        synchronized (lock) {
            clearLive();
            err.println(line);
            err.flush();
            redrawLive();
        }
    }

    private void clearLive() {
        if (live != null && live.running) {
            err.print("\r\u001b[2K");
        }
    }

    private void redrawLive() {
        if (live != null && live.running) {
            live.draw();
        }
    }

    private static void append(String file, String text) {
        try {
            Files.writeString(Path.of(file), text, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    static String escapeData(String text) {
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    static String escapeProperty(String text) {
        return escapeData(text).replace(":", "%3A").replace(",", "%2C");
    }

    /** A group opened by {@link #group}; closing it ends the group. */
    @FunctionalInterface
    public interface Group extends AutoCloseable {
        @Override
        void close();
    }

    /** A status line opened by {@link #status}; {@link #update} changes its detail. */
    public final class Status implements AutoCloseable {
        private final LiveStatus status;

        private Status(LiveStatus status) {
            this.status = status;
        }

        /** Sets the detail shown after the label (terminal only). */
        public void update(String detail) {
            if (status != null) {
                status.detail = Secrets.mask(detail);
            }
        }

        @Override
        public void close() {
            if (status != null) {
                synchronized (lock) {
                    status.stop();
                    if (live == status) {
                        live = null;
                    }
                }
            }
        }
    }

    private final class LiveStatus {
        private static final String FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
        private final String label;
        private final long started = System.nanoTime();
        private volatile String detail = "";
        private volatile boolean running;
        private Thread ticker;
        private int frame;

        LiveStatus(String label) {
            this.label = Secrets.mask(label);
        }

        void start() {
            running = true;
            draw();
            ticker = new Thread(() -> {
                while (running) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                    synchronized (lock) {
                        if (running) {
                            draw();
                        }
                    }
                }
            }, "monet-status");
            ticker.setDaemon(true);
            ticker.start();
        }

        void draw() {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            char spinner = FRAMES.charAt(frame++ % FRAMES.length());
            String text = spinner + " " + label + (detail.isEmpty() ? "" : " · " + detail)
                    + " (" + formatDuration(elapsed) + ")";
            err.print("\r\u001b[2K\u001b[36m" + text + "\u001b[0m");
            err.flush();
        }

        void stop() {
            if (running) {
                running = false;
                err.print("\r\u001b[2K");
                err.flush();
                if (ticker != null) {
                    ticker.interrupt();
                }
            }
        }
    }
}

package monet.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import monet.process.Shell;

/**
 * A POSIX sh script that runs on the host: one of the {@code .sh} files beside this class, whose
 * text never changes. Its inputs go in front of it as variable assignments,
 * each value quoted with {@link Shell#quote}, and the shared files it needs (such as
 * {@code functions.sh}) between the two. Immutable: every {@code with} returns a copy.
 *
 * <pre>{@code
 * HostScript restart = HostScript.of("restart").with("APP_DIR", dir).with("SERVICE", "web-ssr");
 * shell.run(RemoteCommand.of("restart web-ssr", restart.text(), timeout));
 * }</pre>
 *
 * Inputs are upper-case names: shellcheck, which the tests run on every file, then takes them
 * for variables set outside the file.
 */
public final class HostScript {
    private static final Map<String, String> FILES = new ConcurrentHashMap<>();
    private final String name;
    private final Map<String, String> values;
    private final List<String> shared;

    private HostScript(String name, Map<String, String> values, List<String> shared) {
        this.name = name;
        this.values = values;
        this.shared = shared;
    }

    /** The script {@code NAME.sh}, without inputs yet. */
    static HostScript of(String name) {
        file(name);
        return new HostScript(name, Map.of(), List.of());
    }

    /** This script with one more input, {@code NAME='value'} (upper-case name). */
    HostScript with(String variable, String value) {
        if (!variable.matches("[A-Z_][A-Z0-9_]*")) {
            throw new IllegalArgumentException("a host script's input must be an upper-case name: " + variable);
        }
        Map<String, String> more = new LinkedHashMap<>(values);
        more.put(variable, value);
        return new HostScript(name, java.util.Collections.unmodifiableMap(more), shared);
    }

    /** {@link #with(String, String)} for a number. */
    HostScript with(String variable, long value) {
        return with(variable, Long.toString(value));
    }

    /** {@link #with(String, String)} for a switch: {@code yes} or {@code no}. */
    HostScript with(String variable, boolean value) {
        return with(variable, value ? "yes" : "no");
    }

    /** This script with another one's inputs added (the shared file's, say). */
    HostScript withAll(Map<String, String> inputs) {
        HostScript script = this;
        for (Map.Entry<String, String> input : inputs.entrySet()) {
            script = script.with(input.getKey(), input.getValue());
        }
        return script;
    }

    /** This script with the shared file {@code NAME.sh} sent in front of it. */
    HostScript using(String file) {
        file(file);
        List<String> more = new ArrayList<>(shared);
        more.add(file);
        return new HostScript(name, values, List.copyOf(more));
    }

    /** The file's name without {@code .sh}. */
    String name() {
        return name;
    }

    /** The inputs, in the order they were given. */
    Map<String, String> values() {
        return values;
    }

    /** Exactly what is sent: the inputs, the shared files, the script. */
    public String text() {
        return preview(new java.util.HashSet<>(), false);
    }

    /**
     * What a dry run prints: {@link #text()}, except that each shared file already in
     * {@code printed} is one line saying so (files printed here are added to it), so that a run
     * of several scripts shows the shared functions once.
     */
    public String preview(Set<String> printed) {
        return preview(printed, true);
    }

    private String preview(Set<String> printed, boolean abbreviate) {
        StringBuilder text = new StringBuilder();
        values.forEach((variable, value) -> text.append(variable).append('=').append(Shell.quote(value)).append('\n'));
        for (String file : shared) {
            if (abbreviate && !printed.add(file)) {
                text.append("# --- ").append(file).append(".sh: as printed above\n");
            } else {
                text.append("# --- ").append(file).append(".sh\n").append(file(file));
            }
        }
        return text.append("# --- ").append(name).append(".sh\n").append(file(name)).toString();
    }

    /** A file's text without its shellcheck directive, read once. */
    static String file(String name) {
        return FILES.computeIfAbsent(name, HostScript::load);
    }

    private static String load(String name) {
        String resource = name + ".sh";
        try (InputStream in = HostScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no host script monet/host/" + resource + " on the class path");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            text = text.startsWith("# shellcheck shell=sh\n") ? text.substring(text.indexOf('\n') + 1) : text;
            return text.endsWith("\n") ? text : text + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read monet/host/" + resource, e);
        }
    }

    @Override
    public String toString() {
        return name + ".sh";
    }
}

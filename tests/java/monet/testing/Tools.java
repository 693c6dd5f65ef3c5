package monet.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Real components the tests need. Missing one skips the test on a developer's machine, but
 * under {@code CI=true} it fails: CI must install and run every real component.
 */
public final class Tools {
    private Tools() {}

    /** True under CI ({@code CI=true}). */
    public static boolean ci() {
        return "true".equals(System.getenv("CI"));
    }

    /** The program's path on PATH (or as given, if absolute); skips (or fails under CI) when missing. */
    public static Path require(String program) {
        Path found = find(program);
        if (found == null) {
            missing(program + " is not installed (.ci/run installs it)");
        }
        return found;
    }

    /** Skips the test because a real component is not there (fails under CI, which must provide it). */
    public static void missing(String message) {
        if (ci()) {
            Assertions.fail(message + ": under CI=true no real-component test may be skipped");
        }
        Assumptions.abort(message);
    }

    /** The program's path, or null. */
    public static Path find(String program) {
        if (program.startsWith("/")) {
            return Files.isExecutable(Path.of(program)) ? Path.of(program) : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/local/sbin"}) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}

package monet.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** This repository's own files, for tests that run the real scripts and read the real configuration. */
public final class Repo {
    private Repo() {}

    /** The repository root (Maven passes it as {@code monet.repo}; else the current directory). */
    public static Path root() {
        String property = System.getProperty("monet.repo");
        Path root = Path.of(Objects.requireNonNullElse(property, "")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("jbang-catalog.json"))) {
            throw new IllegalStateException("cannot find the repository root (no jbang-catalog.json in " + root + ")");
        }
        return root;
    }

    /** A path inside the repository. */
    public static Path file(String relative) {
        return root().resolve(relative);
    }
}

package monet.changelog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import monet.testing.Repo;

/** The changelog fixtures under tests/resources/changelog. */
final class Fixtures {
    private Fixtures() {}

    static Path dir() {
        return Repo.file("tests/resources/changelog");
    }

    static Path path(String name) {
        return dir().resolve(name);
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Changelog parse(String name) {
        return Changelog.parse(bytes(name), name);
    }

    /** Every fixture's file name. */
    static List<String> all() {
        try (Stream<Path> files = Files.list(dir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixtures that are valid changelogs (no lint errors expected). */
    static List<String> valid() {
        return all().stream().filter(n -> !n.startsWith("invalid-")).toList();
    }

    static String text(Changelog log) {
        return new String(log.bytes(), StandardCharsets.UTF_8);
    }
}

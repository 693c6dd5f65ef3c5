package monet.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Parse, then write with no edit: the same bytes, for every fixture. */
class RoundTripTest {
    static List<String> fixtures() {
        return Fixtures.all();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void readThenWriteGivesTheSameBytes(String name, @TempDir Path dir) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, Fixtures.bytes(name));
        Changelog.read(file).write(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(Fixtures.bytes(name));
        assertThat(Changelog.read(file).bytes()).isEqualTo(Fixtures.bytes(name));
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyLineIsAccountedFor(String name) {
        Changelog log = Fixtures.parse(name);
        Changelog.Lines lines = log.lines;
        StringBuilder rebuilt = new StringBuilder();
        for (int line = 0; line < lines.count; line++) {
            rebuilt.append(new String(lines.bytes, lines.starts[line], lines.contentStart(line) - lines.starts[line],
                    java.nio.charset.StandardCharsets.UTF_8));
            rebuilt.append(lines.text(line));
            rebuilt.append(new String(lines.bytes, lines.contentEnd(line), lines.starts[line + 1] - lines.contentEnd(line),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(rebuilt.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(Fixtures.bytes(name));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyReleaseRendersBackToItsNotes(String name) {
        Changelog log = Fixtures.parse(name);
        for (Release release : log.releases()) {
            String notes = log.notes(release.label());
            String text = Fixtures.text(log);
            assertThat(text).as(release.label()).contains(notes.isEmpty() ? "" : notes.substring(0, notes.length() - 1));
        }
    }
}

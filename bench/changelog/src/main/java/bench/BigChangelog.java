package bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A generated Keep a Changelog file of about 1 MB: thousands of versions, each with a few sections
 * and entries (nested bullets, code fences holding fake headings, Unicode) and link definitions.
 * {@code java -cp benchmarks.jar bench.BigChangelog big.md} writes it for hyperfine.
 */
public final class BigChangelog {
    private BigChangelog() {}

    /** Versions written by {@link #generate()}. */
    public static final int VERSIONS = 3000;

    /** A version in the middle of the file, for {@code notes}. */
    public static final String MIDDLE = version(VERSIONS / 2);

    static String version(int i) {
        return (i / 100) + "." + (i / 10 % 10) + "." + (i % 10);
    }

    public static byte[] generate() {
        StringBuilder s = new StringBuilder(1 << 20);
        s.append("# Changelog\n\nAll notable changes to this project will be documented in this file.\n\n")
                .append("## [Unreleased]\n\n### Added\n\n- Something new.\n\n");
        for (int i = VERSIONS; i >= 1; i--) {
            s.append("## [").append(version(i)).append("] - 20").append(10 + i % 15).append("-0").append(1 + i % 9)
                    .append("-1").append(i % 10).append(i % 97 == 0 ? " [YANKED]" : "").append("\n\n");
            s.append("### Added\n\n- Export of layer ").append(i).append(" as SVG, with the brush settings kept.\n")
                    .append("  - nested detail about the export of layer ").append(i).append("\n");
            if (i % 3 == 0) {
                s.append("- Übersetzung der Menüs ins Deutsche 🎨 für Version ").append(i).append(".\n");
            }
            s.append("\n### Fixed\n\n- Crash when the canvas ").append(i).append(" is empty.\n");
            if (i % 5 == 0) {
                s.append("- Config migration:\n\n  ```toml\n  ## [9.9.9] is not a heading\n  ```\n");
            }
            s.append('\n');
        }
        s.append("[unreleased]: https://github.com/example/big/compare/v").append(version(VERSIONS)).append("...HEAD\n");
        for (int i = VERSIONS; i >= 1; i--) {
            s.append('[').append(version(i)).append("]: https://github.com/example/big/")
                    .append(i > 1 ? "compare/v" + version(i - 1) + "...v" + version(i) : "releases/tag/v" + version(i)).append('\n');
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws IOException {
        byte[] bytes = generate();
        Files.write(Path.of(args.length > 0 ? args[0] : "big.md"), bytes);
        System.out.println((args.length > 0 ? args[0] : "big.md") + ": " + bytes.length + " bytes, " + VERSIONS
                + " versions; a middle one: " + MIDDLE);
    }
}

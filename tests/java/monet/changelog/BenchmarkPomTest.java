package monet.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import monet.testing.Repo;
import org.junit.jupiter.api.Test;

/**
 * bench/changelog compiles monet.changelog and the packages it uses straight from lib/, outside
 * the root build: its pom must carry every //DEPS of their entries, or the benchmark stops building
 * when a package gains a dependency (as monet.changelog did with Jackson).
 */
class BenchmarkPomTest {
    @Test
    void theBenchmarkPomHasTheDependenciesOfEveryPackageItCompiles() throws Exception {
        String pom = Files.readString(Repo.file("bench/changelog/pom.xml"));
        Matcher include = Pattern.compile("<include>monet/([a-z]+)/\\*\\*</include>").matcher(pom);
        int packages = 0;
        while (include.find()) {
            packages++;
            String entry = Files.readString(Repo.file("lib/monet/" + include.group(1) + "/package-info.java"));
            Matcher deps = Pattern.compile("^//DEPS ([^:\\s]+):([^:\\s]+)", Pattern.MULTILINE).matcher(entry);
            while (deps.find()) {
                assertThat(pom).as("bench/changelog/pom.xml compiles monet.%s, which needs %s:%s", include.group(1),
                        deps.group(1), deps.group(2))
                        .contains("<groupId>" + deps.group(1) + "</groupId><artifactId>" + deps.group(2) + "</artifactId>");
            }
        }
        assertThat(packages).as("packages the benchmark compiles").isGreaterThanOrEqualTo(3);
    }
}

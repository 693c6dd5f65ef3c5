package monet.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import monet.testing.Repo;
import org.junit.jupiter.api.Test;

/** lib/monet/Monet.java's //DEPS are the versions; pom.xml must build and test with the same ones. */
class DependencyVersionsTest {
    @Test
    void pomMatchesTheLibrarysDeps() throws Exception {
        String entry = Files.readString(Repo.file("lib/monet/Monet.java"));
        String pom = Files.readString(Repo.file("pom.xml"));
        Map<String, String> properties = new LinkedHashMap<>();
        Matcher property = Pattern.compile("<([\\w.-]+)>([^<]+)</\\1>").matcher(pom.substring(pom.indexOf("<properties>"), pom.indexOf("</properties>")));
        while (property.find()) {
            properties.put(property.group(1), property.group(2));
        }
        Map<String, String> pomDeps = new LinkedHashMap<>();
        Matcher dep = Pattern.compile("<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*<version>([^<]+)</version>(?:\\s*<scope>test</scope>)?").matcher(pom);
        while (dep.find()) {
            String version = dep.group(3);
            Matcher ref = Pattern.compile("\\$\\{([^}]+)}").matcher(version);
            if (ref.matches()) {
                version = properties.get(ref.group(1));
            }
            pomDeps.put(dep.group(1) + ":" + dep.group(2), version);
        }
        Matcher deps = Pattern.compile("^//DEPS ([^:\\s]+):([^:\\s]+):(\\S+)$", Pattern.MULTILINE).matcher(entry);
        int count = 0;
        while (deps.find()) {
            count++;
            String ga = deps.group(1) + ":" + deps.group(2);
            assertThat(pomDeps).as("pom.xml dependency for %s", ga).containsEntry(ga, deps.group(3));
        }
        assertThat(count).as("//DEPS lines in Monet.java").isGreaterThan(5);
    }
}

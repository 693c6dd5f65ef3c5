package monet.changelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionTest {
    @ParameterizedTest
    @ValueSource(strings = {"0.0.0", "1.2.3", "v1.2.3", "V10.20.30", "1.0.0-rc.1", "2.0.0-beta.3+build.5",
        "1.0.0-alpha-1", "1.0.0+20130313144700", "1.0.0-0.3.7", "1.0.0-x.7.z.92"})
    void parsesSemVer(String text) {
        Version version = Version.parse(text);
        assertThat(version.toString()).isEqualTo(text.replaceFirst("^[vV]", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3-01", "1.2.3+",
        "1.2.3-rc..1", "1.2.3-rc_1", "1.2.3 ", "vv1.2.3", "a.b.c", "1.2.3-beta+", "99999999999999999999.0.0"})
    void rejectsWhatIsNotSemVer(String text) {
        assertThat(Version.tryParse(text)).isNull();
        assertThatThrownBy(() -> Version.parse(text)).isInstanceOf(ChangelogException.class)
                .hasMessageContaining("is not a SemVer version");
    }

    @Test
    void ordersBySemVerPrecedence() {
        List<String> ordered = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "1.10.0", "2.0.0-0", "2.0.0");
        List<Version> shuffled = new ArrayList<>();
        ordered.forEach(v -> shuffled.add(Version.parse(v)));
        Collections.shuffle(shuffled, new Random(7));
        Collections.sort(shuffled);
        assertThat(shuffled).extracting(Version::toString).containsExactlyElementsOf(ordered);
    }

    @Test
    void buildMetadataDoesNotCountForPrecedence() {
        assertThat(Version.parse("1.0.0+a").compareTo(Version.parse("1.0.0+b"))).isZero();
        assertThat(Version.parse("1.0.0+a")).isNotEqualTo(Version.parse("1.0.0+b"));
        assertThat(Version.parse("v1.0.0")).isEqualTo(Version.parse("1.0.0"));
    }

    @Test
    void bumps() {
        assertThat(Version.parse("1.2.3").bump(Bump.MAJOR)).hasToString("2.0.0");
        assertThat(Version.parse("1.2.3").bump(Bump.MINOR)).hasToString("1.3.0");
        assertThat(Version.parse("1.2.3").bump(Bump.PATCH)).hasToString("1.2.4");
        assertThat(Version.parse("2.0.0-rc.1").bump(Bump.MAJOR)).hasToString("2.0.0");
        assertThat(Version.parse("2.1.0-rc.1").bump(Bump.MAJOR)).hasToString("3.0.0");
        assertThat(Version.parse("2.1.0-rc.1").bump(Bump.MINOR)).hasToString("2.1.0");
        assertThat(Version.parse("2.1.1-rc.1").bump(Bump.MINOR)).hasToString("2.2.0");
        assertThat(Version.parse("2.1.1-rc.1").bump(Bump.PATCH)).hasToString("2.1.1");
        assertThat(Version.parse("1.2.3+build").bump(Bump.PATCH)).hasToString("1.2.4");
        assertThatThrownBy(() -> Version.parse("1.0.0").bump(Bump.AUTO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Bump.parse("Minor")).isEqualTo(Bump.MINOR);
        assertThatThrownBy(() -> Bump.parse("huge")).hasMessageContaining("use major, minor, patch or auto");
    }
}

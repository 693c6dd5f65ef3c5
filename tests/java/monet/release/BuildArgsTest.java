package monet.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import monet.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** image.build-args: the seed's three by default, any names an app's Dockerfiles read otherwise. */
class BuildArgsTest {
    private static BuildArgs of(Path dir, String value) {
        return BuildArgs.of(Config.load(Map.of(), dir, value == null ? Map.of() : Map.of("image.build-args", value)));
    }

    @Test
    void theDefaultIsTheSeedsAndOthersAreFilledIn(@TempDir Path dir) {
        assertThat(of(dir, null).resolve("1.2.0", "abc123", "2026-12-01T00:00:00Z"))
                .containsExactly("VERSION=1.2.0", "COMMIT=abc123", "BUILD_TIME=2026-12-01T00:00:00Z");
        assertThat(of(dir, "APP_RELEASE=v{version}, GIT_SHA={commit}, CHANNEL=stable").resolve("1.2.0", "abc123", "t"))
                .containsExactly("APP_RELEASE=v1.2.0", "GIT_SHA=abc123", "CHANNEL=stable");
        assertThat(of(dir, "").resolve("1.2.0", "abc123", "t")).isEmpty();
    }

    @Test
    void aTypoIsAUsageErrorBeforeAnythingRuns(@TempDir Path dir) {
        assertThatThrownBy(() -> of(dir, "VERSION={verison}")).hasMessageContaining("VERSION uses {verison}; the values known are"
                + " {version}, {commit}, {build-time}");
        assertThatThrownBy(() -> of(dir, "VERSION")).hasMessageContaining("'VERSION' is not NAME=VALUE");
        assertThatThrownBy(() -> of(dir, "1X=a")).hasMessageContaining("'1X=a' is not NAME=VALUE");
    }
}

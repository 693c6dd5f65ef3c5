package monet.changelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChangeTypeTest {
    @ParameterizedTest
    @CsvSource({"Fix,FIXED", "Fixes,FIXED", "Bug Fixes,FIXED", "Addded,ADDED", "Add,ADDED", "Chnaged,CHANGED",
        "Changes,CHANGED", "Deprecate,DEPRECATED", "Removd,REMOVED", "Securty,SECURITY", "Features,ADDED", "Depr,DEPRECATED"})
    void suggestsTheNearestType(String written, ChangeType meant) {
        assertThat(ChangeType.of(written)).isNull();
        assertThat(ChangeType.nearest(written)).isEqualTo(meant);
    }

    @Test
    void suggestsNothingForUnrelatedWords() {
        assertThat(ChangeType.nearest("Miscellaneous")).isNull();
        assertThat(ChangeType.nearest("Notes")).isNull();
    }

    @Test
    void parsesCommandLineNames() {
        assertThat(ChangeType.parse("fixed")).isEqualTo(ChangeType.FIXED);
        assertThat(ChangeType.parse("SECURITY")).isEqualTo(ChangeType.SECURITY);
        assertThat(ChangeType.parse("fix")).isEqualTo(ChangeType.FIXED);
        assertThatThrownBy(() -> ChangeType.parse("fixd")).isInstanceOf(ChangelogException.class)
                .hasMessageContaining("did you mean 'fixed'?")
                .hasMessageContaining("added, changed, deprecated, removed, fixed, security");
        assertThatThrownBy(() -> ChangeType.parse("whatever")).hasMessageNotContaining("did you mean");
    }
}

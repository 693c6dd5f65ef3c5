package monet.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import monet.process.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every form a secret takes in output is masked, whatever its length. */
class SecretsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    @AfterEach
    void clear() {
        Secrets.clearForTests();
    }

    @Test
    void rawShellQuotedAndJsonEscapedFormsAreMasked() throws Exception {
        String secret = "it's-\"Secret\"\\é";
        Secrets.register(secret);
        String quoted = Shell.quote(secret);
        String json = JSON.writeValueAsString(secret);
        String pythonJson = "\"it's-\\\"Secret\\\"\\\\\\u00e9\"";
        String text = "raw " + secret + " quoted " + quoted + " json " + json + " ascii " + pythonJson
                + " json of quoted " + JSON.writeValueAsString(quoted);
        String masked = Secrets.mask(text);
        assertThat(masked).isEqualTo("raw *** quoted *** json \"***\" ascii \"***\" json of quoted \"***\"");
        assertThat(Secrets.isClean(masked)).isTrue();
        assertThat(Secrets.isClean(text)).isFalse();
    }

    @Test
    void shortSecretsAreMaskedToo() {
        Secrets.register("q");
        assertThat(Secrets.mask("quick")).isEqualTo("***uick");
        Secrets.register("ab");
        assertThat(Secrets.mask("cab")).isEqualTo("c***");
    }

    @Test
    void aSecretInsideTheMaskOrMadeByMaskingIsStillHidden() {
        Secrets.register("*");
        assertThat(Secrets.mask("a*b")).doesNotContain("*");
        Secrets.clearForTests();
        Secrets.register("**x");
        Secrets.register("ab");
        assertThat(Secrets.mask("abx")).doesNotContain("**x");
    }

    @Test
    void eachLineOfAMultiLineSecretIsMasked() {
        Secrets.register("-----BEGIN KEY-----\nAAAABBBBCCCC\n-----END KEY-----");
        assertThat(Secrets.mask("line: AAAABBBBCCCC")).isEqualTo("line: ***");
    }

    @Test
    void everyFormIsAnnouncedToTheRunner() {
        List<String> announced = new ArrayList<>();
        Secrets.announceWith(announced::add);
        Secrets.register("o'k");
        assertThat(announced).contains("o'k", "'o'\\''k'");
    }

    @Test
    void randomSecretsNeverSurviveMasking() throws Exception {
        Random random = new Random(12);
        String alphabet = "ab'\"\\$`é€😀 \t*-_";
        for (int i = 0; i < 2000; i++) {
            Secrets.clearForTests();
            StringBuilder secret = new StringBuilder();
            int length = 1 + random.nextInt(12);
            while (secret.length() < length) {
                secret.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0,
                        alphabet.length())))));
            }
            String value = secret.toString();
            Secrets.register(value);
            String text = "out: " + value + " | " + Shell.quote(value) + " | " + JSON.writeValueAsString(value) + " | " + value + value;
            String masked = Secrets.mask(text);
            assertThat(masked).as("secret %s", value).doesNotContain(value).doesNotContain(Shell.quote(value));
        }
    }
}

package monet.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import monet.process.CmdResult;
import monet.testing.JBang;
import org.junit.jupiter.api.Test;

/** What each script really loads, as JBang resolves it: only its own packages' dependencies. */
class ClassPathTest {
    private static final Pattern SDK_JAR = Pattern.compile("/software/amazon/awssdk/([^/]+)/");
    // The SDK's service modules (the rest of its jars are its core: auth, regions, protocols, ...).
    private static final List<String> SERVICES = List.of("sts", "ses", "sesv2", "ssm", "ec2", "s3", "ecr", "cloudwatchlogs",
            "iam", "route53", "cloudwatch", "sso", "ssooidc");

    @Test
    void changelogLoadsNoAwsSdk() {
        assertThat(sdkModules("changelog")).isEmpty();
    }

    @Test
    void sesTestLoadsOnlyTheSesModulesItCallsAndSts() {
        // sts: the SDK's default credential chain needs it for web-identity and role_arn profiles.
        assertThat(sdkModules("ses-test").stream().filter(SERVICES::contains)).containsExactlyInAnyOrder("ses", "sesv2", "sts");
    }

    private static List<String> sdkModules(String script) {
        CmdResult r = JBang.run("info", "classpath", "scripts/" + script + ".java").call();
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).as("a class path").contains(script + ".jar");
        return Arrays.stream(r.stdout().strip().split(":")).map(SDK_JAR::matcher).filter(Matcher::find)
                .map(m -> m.group(1)).distinct().toList();
    }
}

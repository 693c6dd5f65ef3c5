package monet.release;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import monet.MonetException;
import monet.config.Config;
import monet.config.Keys;

/**
 * The images' build arguments ({@code image.build-args}): comma-separated {@code NAME=VALUE},
 * where the value may hold {@code {version}}, {@code {commit}} and {@code {build-time}}. The
 * seed's Dockerfiles read {@code VERSION}, {@code COMMIT} and {@code BUILD_TIME}, the default;
 * an app whose Dockerfile reads other names sets its own. Checked before anything runs, so a
 * typo is a usage error, not an image with an empty argument.
 */
final class BuildArgs {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z-]+)}");
    private static final List<String> KNOWN = List.of("version", "commit", "build-time");

    private final List<String[]> args;

    private BuildArgs(List<String[]> args) {
        this.args = args;
    }

    /** The arguments of {@code image.build-args}; a usage error names what is wrong. */
    static BuildArgs of(Config config) {
        List<String[]> args = new ArrayList<>();
        for (String entry : config.get(Keys.IMAGE_BUILD_ARGS)) {
            int eq = entry.indexOf('=');
            String name = eq < 0 ? entry : entry.substring(0, eq).strip();
            if (eq < 0 || !NAME.matcher(name).matches()) {
                throw MonetException.usage("image.build-args: '" + entry + "' is not NAME=VALUE with NAME letters, digits"
                        + " and '_' (it is '" + String.join(",", config.get(Keys.IMAGE_BUILD_ARGS)) + "')");
            }
            String value = entry.substring(eq + 1).strip();
            Matcher m = PLACEHOLDER.matcher(value);
            while (m.find()) {
                if (!KNOWN.contains(m.group(1))) {
                    throw MonetException.usage("image.build-args: " + name + " uses {" + m.group(1) + "}; the values known are "
                            + String.join(", ", KNOWN.stream().map(k -> "{" + k + "}").toList()));
                }
            }
            args.add(new String[] {name, value});
        }
        return new BuildArgs(args);
    }

    /** The {@code NAME=VALUE} words for {@code docker build --build-arg}, placeholders filled in. */
    List<String> resolve(String version, String commit, String buildTime) {
        Map<String, String> values = Map.of("version", version, "commit", commit, "build-time", buildTime);
        return args.stream().map(a -> a[0] + "=" + PLACEHOLDER.matcher(a[1])
                .replaceAll(m -> Matcher.quoteReplacement(values.get(m.group(1))))).toList();
    }
}

package monet.changelog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Lint results for one or more files, as {@code FILE:LINE:COLUMN: message} lines or JSON. */
public final class LintReport {
    private final Map<String, List<Problem>> problems = new LinkedHashMap<>();

    private LintReport() {}

    /** Reads and lints each file; a file that cannot be read is reported as an error at 1:1. */
    public static LintReport of(List<Path> files) {
        LintReport report = new LintReport();
        for (Path file : files) {
            List<Problem> found;
            try {
                found = Changelog.read(file).lint();
            } catch (ChangelogException e) {
                found = List.of(new Problem(1, 1, Problem.Severity.ERROR, "read", e.getMessage()));
            }
            report.problems.put(file.toString(), found);
        }
        return report;
    }

    /** The problems found in each file, by file name as given. */
    Map<String, List<Problem>> problems() {
        return Map.copyOf(problems);
    }

    public int errors() {
        return count(true);
    }

    public int warnings() {
        return count(false);
    }

    private int count(boolean errors) {
        int n = 0;
        for (List<Problem> list : problems.values()) {
            for (Problem problem : list) {
                n += problem.isError() == errors ? 1 : 0;
            }
        }
        return n;
    }

    /** One {@code FILE:LINE:COLUMN: message [rule]} line per problem (warnings marked {@code warning:}). */
    public List<String> lines(boolean withWarnings) {
        List<String> out = new ArrayList<>();
        problems.forEach((file, list) -> {
            for (Problem problem : list) {
                if (withWarnings || problem.isError()) {
                    out.add(problem.format(file));
                }
            }
        });
        return out;
    }

    /** {@code {"errors":N,"warnings":M,"problems":[{"file","line","column","severity","rule","message"}...]}}. */
    public String json() {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("errors", errors()).put("warnings", warnings());
        ArrayNode list = json.putArray("problems");
        problems.forEach((file, found) -> {
            for (Problem p : found) {
                list.addObject().put("file", file).put("line", p.line()).put("column", p.column())
                        .put("severity", p.isError() ? "error" : "warning").put("rule", p.rule()).put("message", p.message());
            }
        });
        return json.toString();
    }

    /**
     * GitHub Actions workflow commands, one per problem, so each shows on the file and line in a
     * pull request: {@code ::error file=F,line=L,col=C,title=changelog RULE::message}.
     */
    public List<String> annotations(boolean withWarnings) {
        List<String> out = new ArrayList<>();
        problems.forEach((file, list) -> {
            for (Problem p : list) {
                if (withWarnings || p.isError()) {
                    out.add("::" + (p.isError() ? "error" : "warning") + " file=" + property(file) + ",line=" + p.line()
                            + ",col=" + p.column() + ",title=" + property("changelog " + p.rule()) + "::" + data(p.message()));
                }
            }
        });
        return out;
    }

    private static String data(String s) {
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static String property(String s) {
        return data(s).replace(":", "%3A").replace(",", "%2C");
    }

    /** One line: {@code 2 errors, 1 warning in 1 file}. */
    public String summary() {
        return plural(errors(), "error") + ", " + plural(warnings(), "warning") + " in " + plural(problems.size(), "file");
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}

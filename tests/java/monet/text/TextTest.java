package monet.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import monet.console.Console;
import monet.testing.Captured;
import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void aTablePadsEachColumnToItsWidestCellAndLeavesNoTrailingSpace() {
        String text = new TextTable("step", "status", "time", "note").alignRight(2)
                .row("build", "ok", "1.2s", "")
                .row("deploy", "failed", "12.5s", "exit 1")
                .row("total", "failed", "13.7s")
                .render();
        assertThat(text).isEqualTo("""
                step    status   time  note
                build   ok       1.2s
                deploy  failed  12.5s  exit 1
                total   failed  13.7s
                """);
    }

    @Test
    void anIndentedHeaderlessTableAndAColouredColumnOnlyOnATerminal() {
        TextTable table = new TextTable().indent("  ").paint(1).row("32", List.of("dkim", "ok", "3 records"))
                .row("31", List.of("spf", "missing", "-"));
        assertThat(table.render()).isEqualTo("  dkim  ok       3 records\n  spf   missing  -\n");
        Console plain = Captured.plain().console();
        assertThat(table.render(plain)).isEqualTo(table.render());
        Console terminal = Captured.console(Console.Mode.TERMINAL, Map.of()).console();
        assertThat(table.render(terminal)).contains("\u001b[32mok     \u001b[0m").contains("\u001b[31mmissing\u001b[0m");
    }

    @Test
    void theTailIsTheLastLinesOfStderrElseStdout() {
        assertThat(Tail.of("", "")).isEqualTo(" (no output)");
        assertThat(Tail.of("out\n", "")).isEqualTo("\nstdout:\n  | out");
        assertThat(Tail.of("out\n", "err 1\nerr 2\n")).isEqualTo("\nstderr:\n  | err 1\n  | err 2");
        List<String> many = new ArrayList<>();
        for (int i = 1; i <= 57; i++) {
            many.add("line " + i + (i == 57 ? "x".repeat(600) : ""));
        }
        String tail = Tail.of("", String.join("\n", many));
        assertThat(tail).startsWith("\nstderr (last 20 of 57 lines):\n  | line 38\n").doesNotContain("line 37\n")
                .endsWith("x".repeat(493) + "…");
    }

    @Test
    void suggestionsAreTheNearestByEditDistance() {
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
        assertThat(Suggestions.closest("ssh.usr", List.of("ssh.user", "ssh.key", "site.url"))).contains("ssh.user");
        assertThat(Suggestions.closest("x", List.of())).isEmpty();
    }
}

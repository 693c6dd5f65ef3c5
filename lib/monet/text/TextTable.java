package monet.text;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import monet.console.Console;

/**
 * A plain-text table: each column as wide as its widest cell, two spaces apart, the last one not
 * padded, no trailing spaces. Headers, a right-aligned column, an indent and one coloured column
 * are optional.
 *
 * <pre>{@code
 * TextTable table = new TextTable("step", "status", "time").alignRight(2);
 * table.row("build", "ok", "1.2s");
 * String text = table.render();
 * }</pre>
 */
public final class TextTable {
    private final List<String> headers;
    private final List<Row> rows = new ArrayList<>();
    private final Set<Integer> right = new HashSet<>();
    private String indent = "";
    private int painted = -1;

    private record Row(List<String> cells, String sgr) {}

    /** A table with these column headers (none: no header line). */
    public TextTable(String... headers) {
        this.headers = List.of(headers);
    }

    /** Aligns a column (from 0) to the right. Returns {@code this}. */
    public TextTable alignRight(int column) {
        right.add(column);
        return this;
    }

    /** Starts every line with this text. Default: nothing. Returns {@code this}. */
    public TextTable indent(String prefix) {
        this.indent = prefix;
        return this;
    }

    /** The column a row's colour ({@link #row(String, List)}) paints on a terminal. Returns {@code this}. */
    public TextTable paint(int column) {
        this.painted = column;
        return this;
    }

    /** Adds a row (it may have fewer cells than the table has columns). Returns {@code this}. */
    public TextTable row(String... cells) {
        return row(null, List.of(cells));
    }

    /** Adds a row whose {@link #paint} column gets this ANSI colour on a terminal. Returns {@code this}. */
    public TextTable row(String sgr, List<String> cells) {
        rows.add(new Row(List.copyOf(cells), sgr));
        return this;
    }

    /** The table without colours, one line per row, each ending with a newline. */
    public String render() {
        return render(null);
    }

    /** The table, coloured as {@code console} paints (plain off a terminal). */
    public String render(Console console) {
        int columns = headers.size();
        for (Row row : rows) {
            columns = Math.max(columns, row.cells().size());
        }
        int[] widths = new int[columns];
        List<Row> all = new ArrayList<>();
        if (!headers.isEmpty()) {
            all.add(new Row(headers, null));
        }
        all.addAll(rows);
        for (Row row : all) {
            for (int i = 0; i < row.cells().size(); i++) {
                widths[i] = Math.max(widths[i], row.cells().get(i).length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (Row row : all) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < row.cells().size(); i++) {
                String cell = row.cells().get(i);
                boolean last = i == row.cells().size() - 1 && !right.contains(i);
                String padded = last ? cell : right.contains(i) ? pad(cell, widths[i], true) : pad(cell, widths[i], false);
                line.append(i == painted && row.sgr() != null && console != null ? console.paint(row.sgr(), padded) : padded);
                if (i < row.cells().size() - 1) {
                    line.append("  ");
                }
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }

    private static String pad(String cell, int width, boolean left) {
        String space = " ".repeat(Math.max(0, width - cell.length()));
        return left ? space + cell : cell + space;
    }
}

package monet.ses;

import java.util.ArrayList;
import java.util.List;
import monet.console.Console;

/** A plain text table whose second column (a state) is coloured on a terminal; the last column is not padded. */
final class TextTable {
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> colours = new ArrayList<>();

    TextTable(String... headers) {
        this.headers = headers;
    }

    /** Adds a row; {@code sgr} is the ANSI colour of its state column. Returns this. */
    TextTable row(String sgr, String... cells) {
        rows.add(cells);
        colours.add(sgr);
        return this;
    }

    String render(Console console) {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        line(text, headers, widths, null, console);
        for (int r = 0; r < rows.size(); r++) {
            line(text, rows.get(r), widths, colours.get(r), console);
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String[] cells, int[] widths, String sgr, Console console) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            boolean last = i == cells.length - 1;
            String cell = last ? cells[i] : String.format("%-" + widths[i] + "s", cells[i]);
            line.append(i == 1 && sgr != null ? console.paint(sgr, cell) : cell);
            if (!last) {
                line.append("  ");
            }
        }
        text.append(line.toString().stripTrailing()).append('\n');
    }
}

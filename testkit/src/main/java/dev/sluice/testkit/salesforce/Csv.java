package dev.sluice.testkit.salesforce;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV as Bulk API 2.0 reads and writes it: one delimiter, one line ending, quotes doubled. */
final class Csv {

  private Csv() {}

  /** Thrown when the text is not CSV with the declared delimiter and line ending. */
  static final class CsvException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CsvException(String message) {
      super(message);
    }
  }

  /**
   * The rows of {@code text}, a quoted field may hold delimiters, quotes and line breaks.
   *
   * @throws CsvException when a line ends other than {@code lineEnding}, a quote is left open, or
   *     a row has another number of columns than the header
   */
  static List<List<String>> parse(String text, char delimiter, String lineEnding) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean fieldStarted = false;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && text.charAt(i + 1) == '"') {
            field.append('"');
            i += 2;
            continue;
          }
          quoted = false;
          i++;
          continue;
        }
        field.append(c);
        i++;
        continue;
      }
      if (c == '"') {
        if (field.length() > 0) {
          throw new CsvException("a quote inside an unquoted field at character " + i);
        }
        quoted = true;
        fieldStarted = true;
        i++;
      } else if (c == delimiter) {
        row.add(field.toString());
        field.setLength(0);
        fieldStarted = false;
        i++;
      } else if (c == '\r' || c == '\n') {
        if (!text.startsWith(lineEnding, i)) {
          throw new CsvException("LineEnding is invalid on user data. Current LineEnding setting is "
              + (lineEnding.equals("\n") ? "LF" : "CRLF"));
        }
        row.add(field.toString());
        field.setLength(0);
        fieldStarted = false;
        rows.add(row);
        row = new ArrayList<>();
        i += lineEnding.length();
      } else {
        field.append(c);
        i++;
      }
    }
    if (quoted) {
      throw new CsvException("a quoted field is not closed");
    }
    if (fieldStarted || field.length() > 0 || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row);
    }
    if (!rows.isEmpty()) {
      int columns = rows.get(0).size();
      for (int r = 1; r < rows.size(); r++) {
        if (rows.get(r).size() != columns) {
          throw new CsvException("row " + (r + 1) + " has " + rows.get(r).size() + " columns, the header has " + columns
              + "; check the columnDelimiter");
        }
      }
    }
    return rows;
  }

  /** {@code rows} as CSV with commas and LF, quoting what needs it. */
  static String write(List<List<String>> rows) {
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        String v = row.get(i) == null ? "" : row.get(i);
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
          out.append('"').append(v.replace("\"", "\"\"")).append('"');
        } else {
          out.append(v);
        }
      }
      out.append('\n');
    }
    return out.toString();
  }
}

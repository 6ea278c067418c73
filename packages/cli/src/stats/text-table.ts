/** A column of a text table: its heading and whether its cells are numbers (right-aligned). */
export interface Column {
  heading: string;
  numeric?: boolean;
  /** Cells longer than this are cut with an ellipsis; default 48. */
  maxWidth?: number;
}

// Span data is untrusted: a control character (an ANSI escape, a newline) must not reach the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** One line of plain text from span data: control characters become spaces, long text is cut. */
export function cell(value: string, maxWidth = 48): string {
  const clean = value.replace(CONTROL, ' ');
  return clean.length > maxWidth ? `${clean.slice(0, maxWidth - 1)}…` : clean;
}

/** Renders rows under headings with columns padded to align, indented by two spaces. */
export function table(columns: readonly Column[], rows: readonly (readonly string[])[]): string[] {
  const cells = rows.map((row) => columns.map((c, i) => cell(row[i] ?? '', c.maxWidth)));
  const widths = columns.map((c, i) => Math.max(c.heading.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: readonly string[]) =>
    `  ${values
      .map((v, i) => (columns[i]!.numeric ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()}`;
  return [line(columns.map((c) => c.heading)), ...cells.map(line)];
}

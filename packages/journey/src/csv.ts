/**
 * The one CSV writer of every export (results, runs, dormancy, audit…), on the server and in the browser: RFC 4180
 * quoting, and cells neutralised against formula injection. Exports carry text that outsiders choose — an ingest
 * key sets a customer's external id and traits — and a spreadsheet runs a cell such as
 * `=HYPERLINK("http://evil.example","x")` as a formula when the file is opened.
 */
export type CsvValue = string | number | boolean | null | undefined;

export interface CsvColumn<T> {
  header: string;
  value(row: T): CsvValue;
}

/** Characters that make spreadsheets read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * A signed decimal number: a value, not a formula, and it must stay a number for the spreadsheet (a negative lift
 * summed or charted, an E.164 phone number). Nothing else may follow the digits, so `-1+cmd|…` is not one.
 */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The cell's text with a leading `'` when a spreadsheet would otherwise read it as a formula. */
export function neutraliseCsvFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** One cell: neutralised, then quoted when it holds a separator, a quote, a line break or edge whitespace. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = neutraliseCsvFormula(String(value));
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Lines of cells, CRLF-terminated as RFC 4180 has it. */
export function csvLines(lines: readonly (readonly CsvValue[])[]): string {
  return lines.map((line) => `${line.map(csvCell).join(',')}\r\n`).join('');
}

/** A table as CSV: a header line, then one line per row. */
export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  return csvLines([columns.map((c) => c.header), ...rows.map((row) => columns.map((c) => c.value(row)))]);
}

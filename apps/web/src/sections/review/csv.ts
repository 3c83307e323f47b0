/**
 * CSV downloads of the results, review, audience and audit tables. The writer (quoting, formula neutralisation) is
 * the shared one in @wakeflow/journey, so a browser export and a server export of the same data are the same file.
 */
export { toCsv, type CsvColumn } from '@wakeflow/journey';

/** Offers text as a file download (a Blob URL; nothing leaves the browser). */
export function downloadText(filename: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

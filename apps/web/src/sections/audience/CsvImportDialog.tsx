/**
 * Uploading an offline list from the web app: a CSV file of customers or of events, sent to the same import routes
 * integrators use, with the importer's per-row report shown as it answered (what was stored, what was refused and
 * why, line by line). The column lists come from the contract the importer reads its required columns from.
 */
import { useState } from 'react';
import { csvImportColumns } from '@wakeflow/contracts';
import { useCsvImport, type CsvImportReport, type CsvImportTarget } from '../../api/audience';
import { Dialog, DialogFooter } from '../../ui/Dialog';
import { ErrorText } from '../../ui/ErrorText';

/** Rows of the error table drawn at once; the rest are counted (the importer lists up to 1,000). */
const SHOWN_ERRORS = 100;

const targetWords: Record<CsvImportTarget, { label: string; hint: string }> = {
  customers: {
    label: 'Customers',
    hint: 'One customer per row; an existing customer (same external id) is updated.',
  },
  events: {
    label: 'Events',
    hint: 'One event per row, handled like events sent to the API: waiting journeys hear them. An event id already stored is skipped.',
  },
};

export function CsvImportDialog({ onClose }: { onClose: () => void }) {
  const [target, setTarget] = useState<CsvImportTarget>('customers');
  const [file, setFile] = useState<File | null>(null);
  const upload = useCsvImport();
  const columns = csvImportColumns[target];
  const submit = async () => {
    if (!file) return;
    upload.mutate({ target, csv: await file.text() });
  };
  return (
    <Dialog
      titleId="csv-import-title"
      title="Import a CSV file"
      className="dialog-wide"
      onClose={onClose}
      onSubmit={() => void submit()}
    >
      <fieldset className="field">
        <legend className="field-label">The file holds</legend>
        {(Object.keys(targetWords) as CsvImportTarget[]).map((t) => (
          <label key={t} className="radio-row">
            <input
              type="radio"
              name="csv-import-target"
              value={t}
              checked={target === t}
              onChange={() => {
                setTarget(t);
                upload.reset();
              }}
            />
            {targetWords[t].label}
          </label>
        ))}
        <p className="muted small">{targetWords[target].hint}</p>
      </fieldset>
      <p className="small" id="csv-import-columns">
        The first line names the columns. Required: <ColumnList names={columns.required} />. Also understood:{' '}
        <ColumnList names={columns.optional} />.
      </p>
      <div className="field">
        <label className="field-label" htmlFor="csv-import-file">
          File
        </label>
        <input
          id="csv-import-file"
          type="file"
          accept=".csv,text/csv"
          aria-describedby="csv-import-columns"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            upload.reset();
          }}
        />
      </div>
      <ErrorText error={upload.error} what="import the file" />
      {upload.data ? <ImportReport report={upload.data} target={target} /> : null}
      <DialogFooter onCancel={onClose}>
        <button type="submit" className="button button-primary" disabled={!file || upload.isPending}>
          {upload.isPending ? 'Importing…' : 'Import'}
        </button>
      </DialogFooter>
    </Dialog>
  );
}

function ColumnList({ names }: { names: readonly string[] }) {
  return (
    <>
      {names.map((name, i) => (
        <span key={name}>
          {i > 0 ? ', ' : null}
          <code>{name}</code>
        </span>
      ))}
    </>
  );
}

function ImportReport({ report, target }: { report: CsvImportReport; target: CsvImportTarget }) {
  const noun = target === 'customers' ? 'customer' : 'event';
  const summary = report.rejected
    ? 'Nothing was imported: the header needs fixing first.'
    : `Imported ${report.imported} of ${report.rows} ${report.rows === 1 ? 'row' : 'rows'}` +
      (report.duplicates > 0 ? ` (${report.duplicates} ${noun}s were already stored)` : '') +
      (report.errors.length > 0 ? `; ${report.errors.length} refused.` : '.');
  const shown = report.errors.slice(0, SHOWN_ERRORS);
  return (
    <div className="csv-import-report">
      <p role="status" className={report.rejected ? 'callout callout-error' : 'callout'}>
        {summary}
      </p>
      {shown.length > 0 ? (
        <table className="data-table" aria-label="Rows refused">
          <thead>
            <tr>
              <th>Line</th>
              <th>Column</th>
              <th>Problem</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e, i) => (
              <tr key={`${e.line}-${e.column ?? ''}-${i}`}>
                <td>{e.line}</td>
                <td>{e.column ?? <span className="muted">—</span>}</td>
                <td>{e.problem}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {report.errors.length > shown.length ? (
        <p className="muted small">…and {report.errors.length - shown.length} more.</p>
      ) : null}
    </div>
  );
}

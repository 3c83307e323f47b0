/**
 * The body of a list page: the load error, an empty state that says what the things are and links to making the
 * first one, or a table of them with one column per `columns` entry.
 */
import type { ReactNode } from 'react';
import { ErrorText } from './ErrorText';

export interface Column<T> {
  label: string;
  cell(row: T): ReactNode;
  className?: string;
}

export function ListTable<T extends { id: string }>({
  label,
  rows,
  error,
  columns,
  empty,
}: {
  /** Names the table, e.g. "Segments"; the error reads "Could not load segments". */
  label: string;
  rows: readonly T[] | undefined;
  error: Error | null;
  columns: readonly Column<T>[];
  empty: { title: string; text: ReactNode; href: string; action: string };
}) {
  return (
    <>
      <ErrorText error={error} what={`load ${label.toLowerCase()}`} />
      {rows && rows.length === 0 ? (
        <div className="empty-state">
          <b>{empty.title}</b>
          <p>{empty.text}</p>
          <a className="button button-primary" href={empty.href}>
            {empty.action}
          </a>
        </div>
      ) : null}
      {rows?.length ? (
        <table className="data-table" aria-label={label}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.label}>{c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                {columns.map((c) => (
                  <td key={c.label} className={c.className}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

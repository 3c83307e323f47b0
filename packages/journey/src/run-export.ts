/**
 * What a runs export contains (the Runs page's "Export CSV"): one definition, so the file the web app writes is the
 * one the API tests check against real answers of `GET /api/runs`.
 */
import { toCsv, type CsvColumn } from './csv';

/** A run as `GET /api/runs` lists it, with its journey's name looked up. */
export interface RunExportRow {
  id: string;
  customerExternalId: string;
  journeyName: string;
  version: number;
  status: string;
  outcome: string | null;
  holdout: boolean;
  currentNodeId: string | null;
  startedAt: string;
  endedAt: string | null;
}

export const runExportColumns: readonly CsvColumn<RunExportRow>[] = [
  { header: 'run', value: (r) => r.id },
  { header: 'customer', value: (r) => r.customerExternalId },
  { header: 'journey', value: (r) => r.journeyName },
  { header: 'version', value: (r) => r.version },
  { header: 'status', value: (r) => r.status },
  { header: 'outcome', value: (r) => r.outcome },
  { header: 'holdout', value: (r) => r.holdout },
  { header: 'current step', value: (r) => r.currentNodeId },
  { header: 'started', value: (r) => r.startedAt },
  { header: 'ended', value: (r) => r.endedAt },
];

export function runsToCsv(rows: readonly RunExportRow[]): string {
  return toCsv(rows, runExportColumns);
}

/**
 * CSV import of customers and events. Every row is validated with the same zod schema as the API; good rows are
 * written in batches, bad rows are reported with line, column and problem. A file is never imported halfway
 * without saying so: either a row is stored or it is in `errors`, and a header that cannot be understood stops
 * the import before any row is written.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { z } from 'zod';
import {
  customerInputSchema,
  eventInputSchema,
  type CustomerInput,
  type EventInput,
} from '@wakeflow/journey';
import type { Database } from '@wakeflow/db';
import { csvImportColumns, type CsvImportTarget } from '@wakeflow/contracts';
import { loadAudienceSettings } from '../settings';
import { upsertCustomersWithReport } from './customers';
import { ingestEvents } from './events';
import { eventAmountIssues } from './amounts';

export interface CsvRowError {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  /** Header name of the offending column, when the problem is in one column. */
  column?: string;
  problem: string;
}

export interface CsvImportReport {
  /** Data rows read (excluding the header). */
  rows: number;
  /** Rows stored (customers upserted, or events accepted plus duplicates already stored). */
  imported: number;
  /** Events only: rows whose event id was already stored. */
  duplicates: number;
  errors: CsvRowError[];
  /** True when the header was unusable and nothing was written. */
  rejected: boolean;
}

/**
 * Where a batch of valid event rows goes. The default stores them only; the API passes the event pipeline so
 * imported events reach waiting runs and event triggers exactly like events sent one by one (after the import
 * answers: the pipeline's outbox drainer routes them).
 */
export type EventBatchSink = (
  workspaceId: string,
  batch: readonly EventInput[],
) => Promise<{ accepted: number; duplicates: number }>;

export interface EventsCsvOptions {
  ingest?: EventBatchSink;
}

const BATCH = 5_000;
const MAX_LISTED_ERRORS = 1_000;

type Target = CsvImportTarget;

/** Header names are matched loosely: `first_name`, `firstName` and `First Name` are the same column. */
const norm = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

const CUSTOMER_COLUMNS: Record<string, string> = {
  externalid: 'externalId',
  customerid: 'externalId',
  id: 'externalId',
  email: 'email',
  phone: 'phone',
  pushtoken: 'pushToken',
  timezone: 'timezone',
  birthday: 'birthday',
  firstname: 'firstName',
  lastname: 'lastName',
  signedupat: 'signedUpAt',
  tags: 'tags',
};

const EVENT_COLUMNS: Record<string, string> = {
  eventid: 'eventId',
  customerexternalid: 'customerExternalId',
  customerid: 'customerExternalId',
  externalid: 'customerExternalId',
  name: 'name',
  event: 'name',
  occurredat: 'occurredAt',
  timestamp: 'occurredAt',
  properties: 'properties',
};

/** The fields behind the required columns that the contract lists (and the web app shows). */
const REQUIRED: Record<Target, string[]> = {
  customers: csvImportColumns.customers.required.map((h) => CUSTOMER_COLUMNS[norm(h)] ?? h),
  events: csvImportColumns.events.required.map((h) => EVENT_COLUMNS[norm(h)] ?? h),
};

type ColumnRole =
  | { kind: 'field'; field: string }
  | { kind: 'nested'; field: 'traits' | 'properties' | 'consent'; path: string[] }
  | { kind: 'ignored' };

export function columnRole(target: Target, header: string): ColumnRole | undefined {
  const dotted = header.trim().match(/^(traits?|props?|properties|consent)\.(.+)$/i);
  if (dotted) {
    const prefix = (dotted[1] ?? '').toLowerCase();
    const path = (dotted[2] ?? '').split('.');
    if (prefix === 'consent')
      return target === 'customers' ? { kind: 'nested', field: 'consent', path } : undefined;
    if (prefix.startsWith('trait'))
      return target === 'customers' ? { kind: 'nested', field: 'traits', path } : undefined;
    return target === 'events' ? { kind: 'nested', field: 'properties', path } : undefined;
  }
  const consent = norm(header).match(/^consent(email|sms|push)$/);
  if (target === 'customers' && consent)
    return { kind: 'nested', field: 'consent', path: [consent[1] ?? ''] };
  const field = (target === 'customers' ? CUSTOMER_COLUMNS : EVENT_COLUMNS)[norm(header)];
  return field ? { kind: 'field', field } : undefined;
}

/** Cell text to a JSON value: numbers and booleans as such, empty cells left out. */
function inferValue(text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  return t;
}

function parseBoolean(text: string): boolean | undefined | string {
  const t = text.trim().toLowerCase();
  if (t === '') return undefined;
  if (['true', 'yes', 'y', '1'].includes(t)) return true;
  if (['false', 'no', 'n', '0'].includes(t)) return false;
  return `Use true or false, not “${text}”`;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let current = target;
  path.forEach((key, i) => {
    if (i === path.length - 1) current[key] = value;
    else {
      const next = current[key];
      current[key] = next && typeof next === 'object' ? next : {};
      current = current[key] as Record<string, unknown>;
    }
  });
}

interface RowBuild {
  value: Record<string, unknown>;
  errors: CsvRowError[];
}

function buildRow(
  target: Target,
  roles: (ColumnRole | undefined)[],
  headers: string[],
  cells: string[],
  line: number,
): RowBuild {
  const value: Record<string, unknown> = {};
  const errors: CsvRowError[] = [];
  roles.forEach((role, i) => {
    const cell = cells[i] ?? '';
    const column = headers[i] ?? `column ${i + 1}`;
    if (!role || role.kind === 'ignored') return;
    if (role.kind === 'nested') {
      const parsed = role.field === 'consent' ? parseBoolean(cell) : inferValue(cell);
      if (typeof parsed === 'string' && role.field === 'consent')
        errors.push({ line, column, problem: parsed });
      else if (parsed !== undefined) {
        const bag = (value[role.field] as Record<string, unknown> | undefined) ?? {};
        setPath(bag, role.path, parsed);
        value[role.field] = bag;
      }
      return;
    }
    const text = cell.trim();
    if (text === '') return;
    if (role.field === 'tags')
      value.tags = text
        .split(/[;|]/)
        .map((t) => t.trim())
        .filter(Boolean);
    else if (role.field === 'properties') {
      try {
        const parsed: unknown = JSON.parse(text);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        value.properties = {
          ...(parsed as Record<string, unknown>),
          ...(value.properties ?? {}),
        };
      } catch {
        errors.push({ line, column, problem: 'Not a JSON object' });
      }
    } else if (role.field === 'occurredAt' && /^\d{4}-\d{2}-\d{2}$/.test(text)) {
      // A bare date is midnight UTC: spreadsheets often export dates without a time.
      value.occurredAt = `${text}T00:00:00Z`;
    } else value[role.field] = text;
  });
  return { value, errors };
}

function zodErrors(error: z.ZodError, fieldToHeader: Map<string, string>, line: number): CsvRowError[] {
  return error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    const nested = issue.path.length > 1 ? `${field}.${issue.path.slice(1).join('.')}` : undefined;
    const column = (nested && fieldToHeader.get(nested)) ?? fieldToHeader.get(field) ?? (field || undefined);
    return { line, ...(column ? { column } : {}), problem: issue.message };
  });
}

async function importCsv(
  db: Database,
  workspaceId: string,
  target: Target,
  input: string | Buffer | Readable,
  options: EventsCsvOptions = {},
): Promise<CsvImportReport> {
  const report: CsvImportReport = { rows: 0, imported: 0, duplicates: 0, errors: [], rejected: false };
  const addError = (e: CsvRowError) => {
    if (report.errors.length < MAX_LISTED_ERRORS) report.errors.push(e);
  };
  const settings = await loadAudienceSettings(db, workspaceId);
  const ingest: EventBatchSink =
    options.ingest ??
    (async (ws, batch) => {
      const r = await ingestEvents(db, ws, batch, { settings });
      return { accepted: r.accepted.length, duplicates: r.duplicates };
    });
  let customerBatch: CustomerInput[] = [];
  let eventBatch: EventInput[] = [];
  const flush = async () => {
    if (customerBatch.length) {
      const r = await upsertCustomersWithReport(db, workspaceId, customerBatch, { settings });
      report.imported += r.customers.length;
      customerBatch = [];
    }
    if (eventBatch.length) {
      const r = await ingest(workspaceId, eventBatch);
      report.imported += r.accepted + r.duplicates;
      report.duplicates += r.duplicates;
      eventBatch = [];
    }
  };

  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      report.rows++;
      const line = typeof err?.lines === 'number' ? err.lines : 0;
      addError({ line, problem: `Unreadable row: ${err?.message ?? 'malformed CSV'}` });
    },
  });
  const source = typeof input === 'string' || Buffer.isBuffer(input) ? Readable.from([input]) : input;
  source.pipe(parser);

  let headers: string[] | undefined;
  let roles: (ColumnRole | undefined)[] = [];
  const fieldToHeader = new Map<string, string>();
  const schema = target === 'customers' ? customerInputSchema : eventInputSchema;

  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    const line = info.lines;
    if (!headers) {
      headers = record;
      roles = headers.map((h) => columnRole(target, h));
      const unknown = headers.filter((_, i) => roles[i] === undefined);
      for (const h of unknown) {
        addError({
          line,
          column: h,
          problem:
            target === 'customers'
              ? 'Unknown column (custom attributes go in traits.<name>)'
              : 'Unknown column (event properties go in properties.<name>)',
        });
      }
      roles.forEach((role, i) => {
        if (role?.kind === 'field') fieldToHeader.set(role.field, headers?.[i] ?? '');
        if (role?.kind === 'nested')
          fieldToHeader.set(`${role.field}.${role.path.join('.')}`, headers?.[i] ?? '');
      });
      const missing = REQUIRED[target].filter((f) => !fieldToHeader.has(f));
      if (missing.length > 0 || unknown.length > 0) {
        // Guessing at an unknown column would silently drop data; refuse the file and say what to fix.
        for (const f of missing) addError({ line, column: f, problem: 'Required column is missing' });
        report.rejected = true;
        source.unpipe(parser);
        parser.destroy();
        if (!(source instanceof Readable && source.destroyed)) source.destroy();
        return report;
      }
      continue;
    }
    report.rows++;
    if (record.length !== headers.length) {
      addError({ line, problem: `Expected ${headers.length} columns, found ${record.length}` });
      continue;
    }
    const built = buildRow(target, roles, headers, record, line);
    if (built.errors.length) {
      built.errors.forEach(addError);
      continue;
    }
    const parsed = schema.safeParse(built.value);
    if (!parsed.success) {
      zodErrors(parsed.error, fieldToHeader, line).forEach(addError);
      continue;
    }
    if (target === 'customers') customerBatch.push(parsed.data as CustomerInput);
    else {
      const event = parsed.data as EventInput;
      const amountIssue = eventAmountIssues(settings, [event])[0];
      if (amountIssue) {
        const column = fieldToHeader.get(amountIssue.path) ?? fieldToHeader.get('properties');
        addError({ line, ...(column ? { column } : {}), problem: amountIssue.message });
        continue;
      }
      eventBatch.push(event);
    }
    if (customerBatch.length + eventBatch.length >= BATCH) await flush();
  }
  await flush();
  if (!headers) addError({ line: 1, problem: 'The file is empty' });
  return report;
}

/** Columns: external_id, email, phone, push_token, timezone, birthday, first_name, last_name, signed_up_at, tags (a;b), consent_email|sms|push, traits.<name>. */
export function importCustomersCsv(
  db: Database,
  workspaceId: string,
  input: string | Buffer | Readable,
): Promise<CsvImportReport> {
  return importCsv(db, workspaceId, 'customers', input);
}

/** Columns: event_id, customer_external_id, name, occurred_at, properties (JSON object) and/or properties.<name>. */
export function importEventsCsv(
  db: Database,
  workspaceId: string,
  input: string | Buffer | Readable,
  options: EventsCsvOptions = {},
): Promise<CsvImportReport> {
  return importCsv(db, workspaceId, 'events', input, options);
}

/**
 * CSV import on a real file: the first 2,000 purchases of the CDNOW log turned into an events CSV, with a few
 * rows broken on purpose. Good rows are stored, every bad row is listed with line, column and problem.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '@wakeflow/db/testing';
import { importCustomersCsv, importEventsCsv } from '../src/index';

const CDNOW = new URL('../../../data/cdnow/CDNOW_master.txt', import.meta.url);

interface Purchase {
  customer: string;
  date: string;
  cds: number;
  dollars: number;
}

function cdnowSlice(rows: number): Purchase[] {
  const lines = readFileSync(CDNOW, 'utf8')
    .split(/\r?\n/)
    .slice(1, rows + 1);
  return lines.map((line) => {
    const [customer = '', ymd = '', cds = '0', dollars = '0'] = line.trim().split(/\s+/);
    return {
      customer,
      date: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`,
      cds: Number(cds),
      dollars: Number(dollars),
    };
  });
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

describe('CSV import', () => {
  it('imports the good rows of a CDNOW events file and lists each bad row', async () => {
    const purchases = cdnowSlice(2_000);
    const lines = ['event_id,customer_external_id,name,occurred_at,properties.amount,properties.cds'];
    purchases.forEach((p, i) =>
      lines.push(`cdnow-${i},${p.customer},purchase,${p.date}T12:00:00Z,${p.dollars},${p.cds}`),
    );
    // Break five rows (file lines = index + 2, after the header).
    lines[11] = 'cdnow-10,00005,purchase,1997-13-45,10,1'; // impossible date
    lines[21] = 'cdnow-20,,purchase,1997-01-02T12:00:00Z,10,1'; // no customer
    lines[31] = 'cdnow-30,00011,purchase,1997-01-02T12:00:00Z'; // too few columns
    lines[41] = 'cdnow-40,00012,buy now!,1997-01-02T12:00:00Z,10,1'; // bad event name
    lines[51] = 'cdnow-50,00013,"purchase,1997-01-02T12:00:00Z,10,1'; // unterminated quote… swallows to the end?
    // Keep the unterminated quote as the very last line so it cannot swallow good rows.
    const broken = lines.splice(51, 1)[0] ?? '';
    lines.push(broken);
    const csv = `${lines.join('\r\n')}\r\n`;

    const report = await importEventsCsv(t.db, WS, csv);
    expect(report.rejected).toBe(false);
    expect(report.errors.slice(0, 4)).toEqual([
      { line: 12, column: 'occurred_at', problem: 'Use an ISO timestamp, e.g. 2026-11-26T10:00:00Z' },
      { line: 22, column: 'customer_external_id', problem: expect.any(String) },
      { line: 32, problem: 'Expected 6 columns, found 4' },
      { line: 42, column: 'name', problem: 'Use letters, digits, _ . : - only' },
    ]);
    expect(report.errors).toHaveLength(5);
    expect(report.errors[4]?.problem).toMatch(/Unreadable row|quote/i);
    // 2,000 purchases, one moved to the end and broken, four broken in place.
    expect(report.rows).toBe(2_000);
    expect(report.imported).toBe(2_000 - 5);

    const stored = await t.db.execute<{ n: number; spend: string }>(
      sql`select count(*)::int as n, sum((properties->>'amount')::numeric)::text as spend from events where workspace_id = ${WS}`,
    );
    expect(stored.rows[0]?.n).toBe(1_995);
    const broken5 = new Set([10, 20, 30, 40, 50]);
    const expectedSpend = purchases.filter((_, i) => !broken5.has(i)).reduce((s, p) => s + p.dollars, 0);
    expect(Number(stored.rows[0]?.spend)).toBeCloseTo(expectedSpend, 2);

    // Importing the same file again stores nothing new: event ids make it idempotent.
    const again = await importEventsCsv(t.db, WS, csv);
    expect(again.duplicates).toBe(1_995);
  });

  it('imports customers and attaches their already imported CDNOW purchases', async () => {
    const ids = [...new Set(cdnowSlice(2_000).map((p) => p.customer))].slice(0, 100);
    const lines = ['external_id,email,timezone,tags,consent_email,traits.source'];
    ids.forEach((id) => lines.push(`${id},c${id}@example.com,America/New_York,cdnow;music,yes,cdnow`));
    lines.push('bad-email,not-an-email,UTC,,yes,x');
    lines.push('bad-tz,ok@example.com,Mars/Olympus,,yes,x');
    lines.push('bad-consent,ok2@example.com,UTC,,maybe,x');
    const report = await importCustomersCsv(t.db, WS, lines.join('\n'));
    expect(report.imported).toBe(100);
    expect(report.errors).toEqual([
      { line: 102, column: 'email', problem: 'Not an email address' },
      { line: 103, column: 'timezone', problem: 'Not an IANA time zone such as Europe/Berlin' },
      { line: 104, column: 'consent_email', problem: 'Use true or false, not “maybe”' },
    ]);
    const facts = await t.db.execute<{ with_purchases: number; tags: string[] }>(
      sql`select count(*) filter (where purchase_count > 0)::int as with_purchases, min(tags::text) as tags from customers where workspace_id = ${WS}`,
    );
    expect(facts.rows[0]?.with_purchases).toBe(100);
  });

  it('refuses a file whose header it cannot map, before writing anything', async () => {
    const report = await importCustomersCsv(t.db, WS, 'external_id,favourite_colour\nrefused-1,blue\n');
    expect(report.rejected).toBe(true);
    expect(report.imported).toBe(0);
    expect(report.errors[0]).toMatchObject({ line: 1, column: 'favourite_colour' });
    const n = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from customers where external_id = 'refused-1'`,
    );
    expect(n.rows[0]?.n).toBe(0);
  });
});

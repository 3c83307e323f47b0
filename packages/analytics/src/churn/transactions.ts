/**
 * From a purchase log to the models' per-customer summaries: purchases on the same day are one purchase (as in the
 * published CDNOW analyses), times are in days from the customer's first purchase, and only purchases up to the end
 * of the calibration period count. Also reads the CDNOW master file, the reference data set of these models.
 */
import { readFile } from 'node:fs/promises';

export interface Purchase {
  customer: string;
  /** Whole days since 1970-01-01 (UTC). */
  day: number;
  amount: number;
}

export interface CustomerHistory {
  customer: string;
  /** Repeat purchase days. */
  x: number;
  /** Days from the first purchase day to the last. */
  tx: number;
  /** Days from the first purchase day to the end of calibration. */
  T: number;
  /** Mean amount of the repeat purchase days (0 when x = 0). */
  meanRepeatAmount: number;
  firstDay: number;
}

export const DAY_MS = 86_400_000;

export function dayNumber(date: Date | string): number {
  return Math.floor(new Date(date).getTime() / DAY_MS);
}

/** `calibrationEndDay` is inclusive: purchases on that day count, and T is measured to it. */
export function summariseHistories(
  purchases: Iterable<Purchase>,
  calibrationEndDay: number,
): CustomerHistory[] {
  const byCustomer = new Map<string, Map<number, number>>();
  for (const p of purchases) {
    if (p.day > calibrationEndDay) continue;
    let days = byCustomer.get(p.customer);
    if (!days) byCustomer.set(p.customer, (days = new Map<number, number>()));
    days.set(p.day, (days.get(p.day) ?? 0) + p.amount);
  }
  const out: CustomerHistory[] = [];
  for (const [customer, days] of byCustomer) {
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const first = sorted[0]!;
    const last = sorted[sorted.length - 1]!;
    const repeat = sorted.slice(1);
    const repeatTotal = repeat.reduce((s, d) => s + days.get(d)!, 0);
    out.push({
      customer,
      x: repeat.length,
      tx: last - first,
      T: calibrationEndDay - first,
      meanRepeatAmount: repeat.length > 0 ? repeatTotal / repeat.length : 0,
      firstDay: first,
    });
  }
  return out;
}

/** CDNOW_master.txt: header, then `customer_id YYYYMMDD number_of_cds dollar_value`, whitespace separated. */
export async function readCdnowMaster(path: string): Promise<Purchase[]> {
  const text = await readFile(path, 'utf8');
  const out: Purchase[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4 || !/^\d{8}$/.test(cols[1]!)) continue;
    const d = cols[1]!;
    out.push({
      customer: cols[0]!,
      day: dayNumber(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T00:00:00Z`),
      amount: Number(cols[3]),
    });
  }
  return out;
}

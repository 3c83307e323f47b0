/**
 * Demo customers from the real CDNOW purchase log (data/cdnow, see data/README.md), with dates shifted so the
 * log ends today: its gaps between purchases and its spend are real, so dormancy stages and RFM tiers look real.
 */
import { readFile } from 'node:fs/promises';
import type { CustomerInput, EventInput } from '@wakeflow/journey';

export interface CdnowPurchase {
  customerId: string;
  date: string; // YYYYMMDD
  cds: number;
  dollars: number;
}

/** Parses `CDNOW_sample.txt` (no header: master id, sample id, date, cds, dollars) or the master file (header). */
export function parseCdnow(text: string): CdnowPurchase[] {
  const rows: CdnowPurchase[] = [];
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 4 || !/^\d+$/.test(parts[0]!)) continue;
    const [customerId, date, cds, dollars] =
      parts.length >= 5 ? [parts[0], parts[2], parts[3], parts[4]] : parts;
    rows.push({ customerId: customerId!, date: date!, cds: Number(cds), dollars: Number(dollars) });
  }
  return rows;
}

const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Shanghai',
  'Europe/London',
  'America/Los_Angeles',
  'Asia/Tokyo',
];
const FIRST = [
  'Ada',
  'Bo',
  'Chen',
  'Dana',
  'Emil',
  'Fatima',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kim',
  'Lea',
  'Mei',
  'Noah',
];

/** A small deterministic PRNG so the demo is the same on every machine. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function demoFromCdnow(
  purchases: readonly CdnowPurchase[],
  options: { customers: number; today: Date },
) {
  const byCustomer = new Map<string, CdnowPurchase[]>();
  for (const p of purchases) {
    const list = byCustomer.get(p.customerId) ?? [];
    list.push(p);
    byCustomer.set(p.customerId, list);
  }
  const chosen = [...byCustomer.keys()].sort().slice(0, options.customers);
  const lastDate = purchases.reduce((max, p) => (p.date > max ? p.date : max), '00000000');
  const toDate = (yyyymmdd: string) =>
    new Date(`${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}T12:00:00Z`);
  const shift = options.today.getTime() - toDate(lastDate).getTime();
  const random = mulberry32(1997);
  const customers: CustomerInput[] = [];
  const events: EventInput[] = [];
  chosen.forEach((id, index) => {
    const list = byCustomer.get(id)!;
    const firstPurchase = new Date(toDate(list[0]!.date).getTime() + shift);
    const externalId = `cdnow-${id}`;
    customers.push({
      externalId,
      email: `customer${id}@example.com`,
      phone: `+4915${String(100000000 + Number(id)).slice(-9)}`,
      pushToken: `demo-push-${id}`,
      timezone: ZONES[index % ZONES.length],
      firstName: FIRST[index % FIRST.length],
      signedUpAt: firstPurchase.toISOString(),
      consent: { email: true, sms: index % 5 !== 0, push: index % 3 !== 0 },
      traits: { source: 'cdnow' },
    });
    list.forEach((p, n) => {
      const at = new Date(toDate(p.date).getTime() + shift);
      // CDNOW logs purchases only; a shopper logs in before buying and now and then browses without buying.
      events.push({
        eventId: `cdnow-${id}-${n}-login`,
        customerExternalId: externalId,
        name: 'login',
        properties: {},
        occurredAt: new Date(at.getTime() - 20 * 60_000).toISOString(),
      });
      events.push({
        eventId: `cdnow-${id}-${n}-purchase`,
        customerExternalId: externalId,
        name: 'purchase',
        properties: { amount: p.dollars, items: p.cds, category: 'music' },
        occurredAt: at.toISOString(),
      });
      if (random() < 0.5) {
        const browseAt = new Date(at.getTime() + Math.floor(random() * 20 + 1) * 86_400_000);
        if (browseAt < options.today) {
          events.push({
            eventId: `cdnow-${id}-${n}-browse`,
            customerExternalId: externalId,
            name: 'login',
            properties: { browseDepth: Math.ceil(random() * 8) },
            occurredAt: browseAt.toISOString(),
          });
        }
      }
    });
  });
  return { customers, events };
}

export async function loadCdnowSample(path: string): Promise<CdnowPurchase[]> {
  return parseCdnow(await readFile(path, 'utf8'));
}

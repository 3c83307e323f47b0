/**
 * The audience benchmark's body (run it with `pnpm exec tsx scripts/bench-audience.ts`). It lives in this package
 * so its imports resolve from here; see scripts/bench-audience.ts for what it measures and its settings.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { CustomerInput, EventInput } from '@wakeflow/journey';
import { connect, type Database } from '@wakeflow/db';
import { createTestDatabase, TEST_WORKSPACE_ID as WS } from '@wakeflow/db/testing';
import {
  defaultAudienceSettings,
  ingestEvents,
  loadAudienceSettings,
  prepareCondition,
  rebuildFacts,
  recomputeRfm,
  saveAudienceSettings,
  segmentWhere,
  upsertCustomers,
} from '../index';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CUSTOMERS = env('BENCH_CUSTOMERS', 1_000_000);
const EVENTS = env('BENCH_EVENTS', 20_000_000);
const BATCH = env('BENCH_BATCH', 10_000);
const CONCURRENCY = env('BENCH_CONCURRENCY', 2);
const DAY = 86_400_000;

/** Deterministic PRNG so two runs generate the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = rng(42);

interface Template {
  purchases: { dayOffset: number; dollars: number }[];
}

/** CDNOW customers as templates: purchase days relative to the log's end, and the dollar value of each. */
function loadCdnow(): Template[] {
  const text = readFileSync(new URL('../../../../data/cdnow/CDNOW_master.txt', import.meta.url), 'utf8');
  const byCustomer = new Map<string, Template>();
  const end = Date.UTC(1998, 5, 30);
  for (const line of text.split(/\r?\n/).slice(1)) {
    const [id, ymd, , dollars] = line.trim().split(/\s+/);
    if (!id || !ymd) continue;
    const day = Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(4, 6)) - 1, Number(ymd.slice(6, 8)));
    const t = byCustomer.get(id) ?? { purchases: [] };
    t.purchases.push({ dayOffset: Math.round((end - day) / DAY), dollars: Number(dollars) });
    byCustomer.set(id, t);
  }
  return [...byCustomer.values()];
}

function* customerEvents(templates: Template[], now: number): Generator<EventInput[]> {
  const perCustomer = EVENTS / CUSTOMERS;
  let eventSeq = 0;
  for (let c = 0; c < CUSTOMERS; c++) {
    const template = templates[Math.floor(random() * templates.length)]!;
    const shift = Math.floor(random() * 60);
    const externalId = `cust-${c}`;
    const out: EventInput[] = [];
    const target = Math.max(template.purchases.length, Math.round(perCustomer * (0.5 + random())));
    for (const p of template.purchases) {
      const at = now - (p.dayOffset + shift) * DAY - Math.floor(random() * DAY);
      out.push({
        eventId: `ev-${eventSeq++}`,
        customerExternalId: externalId,
        name: 'purchase',
        occurredAt: new Date(at).toISOString(),
        properties: { amount: p.dollars },
      });
    }
    // Sessions cluster around purchases: logins and browses within ±20 days of a random purchase of theirs.
    while (out.length < target) {
      const p = template.purchases[Math.floor(random() * template.purchases.length)]!;
      const at = Math.min(
        now - 60_000,
        now - (p.dayOffset + shift) * DAY + Math.floor((random() - 0.5) * 40 * DAY),
      );
      const name = random() < 0.45 ? 'login' : 'browse';
      out.push({
        eventId: `ev-${eventSeq++}`,
        customerExternalId: externalId,
        name,
        occurredAt: new Date(at).toISOString(),
        properties: name === 'browse' ? { depth: 1 + Math.floor(random() * 8) } : {},
      });
    }
    yield out;
  }
}

async function runLimited<T>(
  source: Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  for (const item of source) {
    const p = fn(item).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= limit) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

function* batches<T>(items: Iterable<T[]>, size: number): Generator<T[]> {
  const batch: T[] = [];
  for (const group of items) {
    batch.push(...group);
    if (batch.length >= size) {
      yield batch.splice(0, size);
    }
  }
  if (batch.length) yield batch;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * A definitions change (browsing stops counting as activity, or counts again when the database already had the
 * change: a kept database can be measured again), then every customer's facts rebuilt from the log. The rebuild
 * without a stage (each chunk reads its customers' events through the index) is timed beside it up to 100,000
 * customers (BENCH_REBUILD_UNSTAGED=1 | 0 forces it): at 1M / 20M events it ran over 33 minutes.
 */
async function benchRebuild(db: Database, customers: number): Promise<void> {
  const current = await loadAudienceSettings(db, WS);
  const next =
    current.activity.mode === 'only'
      ? defaultAudienceSettings
      : {
          ...current,
          activity: { mode: 'only' as const, events: ['login', 'purchase', 'store_purchase', 'app_open'] },
        };
  const unstaged =
    process.env.BENCH_REBUILD_UNSTAGED === '1' ||
    (process.env.BENCH_REBUILD_UNSTAGED !== '0' && customers <= 100_000);
  for (const staging of unstaged ? [true, false] : [true]) {
    // Each measured rebuild changes the definitions, so each has every changed customer to write.
    const to = staging ? next : current;
    await saveAudienceSettings(db, WS, to);
    const started = performance.now();
    const memoryBefore = process.memoryUsage().rss;
    const concurrency = process.env.BENCH_REBUILD_CONCURRENCY;
    const rebuilt = await rebuildFacts(db, WS, {
      staging,
      ...(concurrency ? { concurrency: Number(concurrency) } : {}),
    });
    const seconds = (performance.now() - started) / 1000;
    const secs = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(1);
    console.log(
      `facts rebuild ${staging ? 'with a stage' : 'without a stage (each chunk reads its events)'} after an activity definition change: ${fmt(rebuilt.customersScanned)} customers (${fmt(rebuilt.customersUpdated)} changed, ${fmt(rebuilt.rollupRowsWritten)} rollup rows written, ${fmt(rebuilt.rollupRowsDeleted)} deleted) in ${seconds.toFixed(1)} s = ${fmt(rebuilt.customersScanned / seconds)} customers/s${staging ? ` (stage ${secs(rebuilt.stageMs)} s, apply ${secs(rebuilt.applyMs)} s)` : ''}; target < 5 min at 1M / 20M; rss +${((process.memoryUsage().rss - memoryBefore) / 2 ** 20).toFixed(0)} MiB`,
    );
  }
}

/** `BENCH_ONLY=rebuild BENCH_DATABASE_URL=<a kept bench database>`: the facts rebuild alone, on data loaded before. */
export async function runRebuildBench(url: string): Promise<void> {
  const handle = connect(url);
  try {
    const [row] = (
      await handle.db.execute<{ customers: number; events: number }>(
        sql`select (select count(*)::int from customers where workspace_id = ${WS}) as customers,
          (select count(*)::int from events where workspace_id = ${WS}) as events`,
      )
    ).rows;
    console.log(
      `bench-audience rebuild: ${fmt(row?.customers ?? 0)} customers, ${fmt(row?.events ?? 0)} events`,
    );
    await benchRebuild(handle.db, row?.customers ?? 0);
  } finally {
    await handle.close();
  }
}

export async function runDataBench(): Promise<void> {
  console.log(
    `bench-audience: ${fmt(CUSTOMERS)} customers, ~${fmt(EVENTS)} events, batches of ${fmt(BATCH)}, ${CONCURRENCY} in flight`,
  );
  // As the owner: VACUUM and ANALYZE of the app's tables are the owner's (as the app role they are skipped).
  const t = await createTestDatabase({ as: 'owner' });
  const db = t.db;
  const settings = defaultAudienceSettings;
  try {
    const templates = loadCdnow();
    const now = Date.now();

    // Customers first, so events attach on arrival (the common case in production).
    let started = performance.now();
    const customerBatches = function* (): Generator<CustomerInput[]> {
      for (let i = 0; i < CUSTOMERS; i += BATCH) {
        yield Array.from({ length: Math.min(BATCH, CUSTOMERS - i) }, (_, j) => ({
          externalId: `cust-${i + j}`,
          email: `cust-${i + j}@example.com`,
          timezone: 'UTC',
          signedUpAt: new Date(now - Math.floor(random() * 900) * DAY).toISOString(),
        }));
      }
    };
    await runLimited(customerBatches(), CONCURRENCY, async (b) => {
      await upsertCustomers(db, WS, b, { settings });
    });
    const customerSeconds = (performance.now() - started) / 1000;
    console.log(
      `customers: ${fmt(CUSTOMERS)} in ${customerSeconds.toFixed(1)} s = ${fmt(CUSTOMERS / customerSeconds)} /s`,
    );

    // Events with facts, as the API ingests them.
    let total = 0;
    started = performance.now();
    let lastReport = started;
    await runLimited(batches(customerEvents(templates, now), BATCH), CONCURRENCY, async (b) => {
      const r = await ingestEvents(db, WS, b, { settings });
      total += r.accepted.length;
      if (performance.now() - lastReport > 15_000) {
        lastReport = performance.now();
        console.log(`  … ${fmt(total)} events, ${fmt(total / ((lastReport - started) / 1000))} /s`);
      }
    });
    const eventSeconds = (performance.now() - started) / 1000;
    console.log(
      `events: ${fmt(total)} in ${eventSeconds.toFixed(1)} s = ${fmt(total / eventSeconds)} events/s (target ≥ 20,000)`,
    );

    // Fact cost: the same batch shape inserted with and without the fact CTEs, one batch at a time.
    const probe = (offset: number) =>
      Array.from({ length: BATCH }, (_, i) => ({
        eventId: `probe-${offset}-${i}`,
        customerExternalId: `cust-${Math.floor(random() * CUSTOMERS)}`,
        name: i % 3 === 0 ? 'purchase' : 'login',
        occurredAt: new Date(now - Math.floor(random() * 30) * DAY).toISOString(),
        properties: { amount: 10 },
      }));
    let plainMs = 0;
    let factsMs = 0;
    const rounds = 5;
    for (let r = 0; r < rounds; r++) {
      const plain = JSON.stringify(
        probe(r * 2).map((e) => ({
          event_id: e.eventId,
          customer_external_id: e.customerExternalId,
          name: e.name,
          properties: e.properties,
          occurred_at: e.occurredAt,
        })),
      );
      let s = performance.now();
      await db.execute(sql`
        insert into events (workspace_id, event_id, customer_external_id, customer_id, name, properties, occurred_at)
        select ${WS}, i.event_id, i.customer_external_id, c.id, i.name, i.properties, i.occurred_at
        from jsonb_to_recordset(${plain}::jsonb) as i(event_id text, customer_external_id text, name text, properties jsonb, occurred_at timestamptz)
        left join customers c on c.workspace_id = ${WS} and c.external_id = i.customer_external_id
        on conflict (workspace_id, event_id) do nothing`);
      plainMs += performance.now() - s;
      s = performance.now();
      await ingestEvents(db, WS, probe(r * 2 + 1), { settings });
      factsMs += performance.now() - s;
    }
    const perEventUs = ((factsMs - plainMs) / (rounds * BATCH)) * 1000;
    console.log(
      `fact update cost: ${perEventUs.toFixed(1)} µs/event (insert only ${((plainMs / (rounds * BATCH)) * 1000).toFixed(1)} µs/event, with facts ${((factsMs / (rounds * BATCH)) * 1000).toFixed(1)} µs/event)`,
    );

    // What autovacuum does between the bulk load and a scheduled recompute: 20M fact updates leave one dead
    // version per customer update, and the RFM pass would otherwise run alongside that cleanup.
    started = performance.now();
    await db.execute(sql`vacuum (analyze) customers`);
    await db.execute(sql`analyze customer_daily_activity`);
    console.log(
      `vacuum + analyze of customers after the load: ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    started = performance.now();
    const rfm = await recomputeRfm(db, WS, { settings });
    const secs = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(2);
    console.log(
      `RFM recompute: ${fmt(rfm.scored)} scored, ${fmt(rfm.changed)} written in ${((performance.now() - started) / 1000).toFixed(2)} s (target < 30 s; ranking and staging ${secs(rfm.stageMs)} s, writing ${secs(rfm.writeMs)} s in ${rfm.chunks ?? 0} chunks)`,
    );
    await db.execute(sql`analyze customers`);

    // The daily re-score: 5% of the base buys once more, then the same full recompute (only changed rows written).
    const buyers = Math.round(CUSTOMERS * 0.05);
    for (let offset = 0; offset < buyers; offset += BATCH) {
      await ingestEvents(
        db,
        WS,
        Array.from({ length: Math.min(BATCH, buyers - offset) }, (_, i) => ({
          eventId: `rescore-${offset + i}`,
          customerExternalId: `cust-${Math.floor(random() * CUSTOMERS)}`,
          name: 'purchase',
          occurredAt: new Date(now - DAY / 2).toISOString(),
          properties: { amount: 15 },
        })),
        { settings },
      );
    }
    started = performance.now();
    const again = await recomputeRfm(db, WS, { settings });
    console.log(
      `RFM re-score after ${fmt(buyers)} new purchases: ${fmt(again.changed)} written in ${((performance.now() - started) / 1000).toFixed(2)} s (ranking and staging ${secs(again.stageMs)} s, writing ${secs(again.writeMs)} s)`,
    );

    const condition = {
      kind: 'and',
      conditions: [
        { kind: 'trait', field: 'facts.daysSinceLastLogin', op: 'gte', value: 30 },
        { kind: 'trait', field: 'facts.valueTier', op: 'eq', value: 'high' },
      ],
    };
    const prepared = await prepareCondition(db, WS, condition, { settings });
    const where = segmentWhere(WS, prepared, new Date().toISOString());
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const r = await db.execute<{ n: number }>(sql`select count(*)::int as n from customers where ${where}`);
      times.push(performance.now() - s);
      count = r.rows[0]?.n ?? 0;
    }
    times.sort((a, b) => a - b);
    console.log(
      `segment "no login for 30 days and value tier high": ${fmt(count)} customers, median ${times[2]!.toFixed(0)} ms (first ${times[0]!.toFixed(0)}…${times[4]!.toFixed(0)} ms; target < 1 s)`,
    );
    const plan = await db.execute<{ 'QUERY PLAN': string }>(
      sql`explain select count(*) from customers where ${where}`,
    );
    console.log(plan.rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n'));

    if (process.env.BENCH_REBUILD !== '0') await benchRebuild(db, CUSTOMERS);
    else console.log('facts rebuild: skipped (BENCH_REBUILD=0)');

    const sizes = await db.execute<{ events: string; rollup: string }>(
      sql`select pg_size_pretty(pg_total_relation_size('events')) as events, pg_size_pretty(pg_total_relation_size('customer_daily_activity')) as rollup`,
    );
    console.log(`sizes: events ${sizes.rows[0]?.events}, daily rollup ${sizes.rows[0]?.rollup}`);
  } finally {
    if (process.env.BENCH_KEEP === '1') {
      console.log(`kept database ${t.url}`);
      await t.close();
    } else await t.drop();
  }
}

/**
 * Conversions recorded as events arrive: each newly stored event is matched against the runs of its customer whose
 * journey version defines a conversion (`settings.conversion`: events, property filters, a window from entry or from
 * the first message) and that the event falls inside. The match is attributed to the run, its arm and the last
 * message sent before the event. Only the new events and their customers' runs are read — never a rescan.
 *
 * Holdout members get no messages, so for `from: first_message` their window starts at the message they would
 * have been sent (the row the sender records as skipped for `holdout`), which keeps the two groups comparable.
 * The earliest matching event wins: a late-arriving offline event that happened earlier replaces a later one.
 *
 * The same call also adds purchase amounts to the spend-after-entry and spend-after-conversion figures (LTV).
 */
import { sql } from 'drizzle-orm';
import { conversionSchema, durationToMs, matchesFilters, readPath, type Conversion } from '@wakeflow/journey';
import type { Database } from '@wakeflow/db';
import { loadAudienceSettings } from '@wakeflow/audience';
import { loadAnalyticsSettings } from '../settings';

/** What ingest returns for a stored event (`StoredEvent` of @wakeflow/audience). */
export interface ConversionSourceEvent {
  id: number;
  customerId: string | null;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: string;
}

export interface RecordedConversions {
  /** Conversions inserted, or moved to an earlier event. */
  recorded: number;
  /** Runs whose spend figures a purchase added to. */
  spendUpdated: number;
}

interface CandidateRow extends Record<string, unknown> {
  event_db_id: string;
  run_id: string;
  conversion: unknown;
  anchor: Date | null;
  arm: string;
  last_message_id: string | null;
}

function amountOf(properties: Record<string, unknown>, path: string): number | null {
  const v = readPath(properties, path);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

export async function recordConversions(
  db: Database,
  workspaceId: string,
  storedEvents: readonly ConversionSourceEvent[],
): Promise<RecordedConversions> {
  if (storedEvents.length === 0) return { recorded: 0, spendUpdated: 0 };
  await rememberEventNames(db, workspaceId, storedEvents);
  const known = storedEvents.filter(
    (e): e is ConversionSourceEvent & { customerId: string } => e.customerId !== null,
  );
  if (known.length === 0) return { recorded: 0, spendUpdated: 0 };
  const [audience, analytics] = await Promise.all([
    loadAudienceSettings(db, workspaceId),
    loadAnalyticsSettings(db, workspaceId),
  ]);

  const batch = JSON.stringify(
    known.map((e) => ({ id: e.id, customer_id: e.customerId, name: e.name, occurred_at: e.occurredAt })),
  );
  // Candidate (event, run) pairs: runs of the event's customer, started before the event, whose version's conversion
  // lists the event name and which are not already converted by an earlier event.
  const candidates = await db.execute<CandidateRow>(sql`
    with ev as (
      select * from jsonb_to_recordset(${batch}::jsonb) as t(id bigint, customer_id uuid, name text, occurred_at timestamptz)
    )
    select ev.id::text as event_db_id, r.id as run_id, v.plan->'settings'->'conversion' as conversion, analytics_arm_key(r.arms) as arm,
      case when v.plan->'settings'->'conversion'->>'from' = 'first_message' then (
        select min(coalesce(m.requested_at, m.created_at)) from messages m
        where m.customer_id = r.customer_id and m.run_id = r.id and (m.status = 'sent' or m.reason = 'holdout')
      ) else r.started_at end as anchor,
      (
        select m.id from messages m
        where m.customer_id = r.customer_id and m.run_id = r.id and m.status = 'sent' and coalesce(m.requested_at, m.created_at) <= ev.occurred_at
        order by coalesce(m.requested_at, m.created_at) desc limit 1
      ) as last_message_id
    from ev
    join runs r on r.customer_id = ev.customer_id and r.workspace_id = ${workspaceId} and r.started_at <= ev.occurred_at
    join journey_versions v on v.journey_id = r.journey_id and v.version = r.version and v.workspace_id = ${workspaceId}
    left join conversions c on c.run_id = r.id
    where (v.plan->'settings'->'conversion'->'events') ? ev.name
      and (c.id is null or c.converted_at > ev.occurred_at)`);

  const eventsById = new Map(known.map((e) => [String(e.id), e]));
  const definitions = new Map<string, Conversion | null>();
  const best = new Map<
    string,
    {
      run_id: string;
      event_id: number;
      last_message_id: string | null;
      arm: string;
      value: number | null;
      converted_at: string;
    }
  >();
  for (const row of candidates.rows) {
    const event = eventsById.get(row.event_db_id);
    if (!event || row.anchor === null) continue;
    const key = JSON.stringify(row.conversion);
    let definition = definitions.get(key);
    if (definition === undefined) {
      const parsed = conversionSchema.safeParse(row.conversion);
      definition = parsed.success ? parsed.data : null;
      definitions.set(key, definition);
    }
    if (!definition || !matchesFilters(event.properties, definition.filters)) continue;
    const occurred = Date.parse(event.occurredAt);
    const anchor = new Date(row.anchor).getTime();
    if (occurred < anchor || occurred > anchor + durationToMs(definition.window)) continue;
    const current = best.get(row.run_id);
    if (current && Date.parse(current.converted_at) <= occurred) continue;
    best.set(row.run_id, {
      run_id: row.run_id,
      event_id: event.id,
      last_message_id: row.last_message_id,
      arm: row.arm,
      value: audience.purchaseEvents.includes(event.name)
        ? amountOf(event.properties, audience.amountProperty)
        : null,
      converted_at: event.occurredAt,
    });
  }

  let recorded = 0;
  if (best.size > 0) {
    const rows = JSON.stringify([...best.values()]);
    const inserted = await db.execute(sql`
      insert into conversions (workspace_id, run_id, event_id, last_message_id, arm, value, converted_at)
      select ${workspaceId}, t.run_id, t.event_id, t.last_message_id, t.arm, t.value, t.converted_at
      from jsonb_to_recordset(${rows}::jsonb) as t(run_id uuid, event_id bigint, last_message_id uuid, arm text, value double precision, converted_at timestamptz)
      on conflict (run_id) do update set event_id = excluded.event_id, last_message_id = excluded.last_message_id, arm = excluded.arm,
        value = excluded.value, converted_at = excluded.converted_at
      where conversions.converted_at > excluded.converted_at`);
    recorded = inserted.rowCount ?? 0;
  }

  const spendUpdated = await addSpend(
    db,
    workspaceId,
    known,
    audience.purchaseEvents,
    audience.amountProperty,
    analytics.ltvWindowDays,
  );
  return { recorded, spendUpdated };
}

/** Purchases add to spend after entry and after conversion of every run whose N-day window they fall in. */
async function addSpend(
  db: Database,
  workspaceId: string,
  events: readonly (ConversionSourceEvent & { customerId: string })[],
  purchaseEvents: readonly string[],
  amountProperty: string,
  windowDays: number,
): Promise<number> {
  const purchases = events
    .filter((e) => purchaseEvents.includes(e.name))
    .map((e) => ({
      customer_id: e.customerId,
      occurred_at: e.occurredAt,
      amount: amountOf(e.properties, amountProperty) ?? 0,
    }))
    .filter((p) => p.amount !== 0);
  if (purchases.length === 0) return 0;
  const result = await db.execute(sql`
    with p as (
      select * from jsonb_to_recordset(${JSON.stringify(purchases)}::jsonb) as t(customer_id uuid, occurred_at timestamptz, amount double precision)
    ),
    per_run as (
      select s.run_id,
        sum(case when p.occurred_at >= r.started_at and p.occurred_at < r.started_at + make_interval(days => ${windowDays}) then p.amount else 0 end) as after_entry,
        sum(case when s.converted_at is not null and p.occurred_at >= s.converted_at
          and p.occurred_at < s.converted_at + make_interval(days => ${windowDays}) then p.amount else 0 end) as after_conversion
      from p
      join runs r on r.customer_id = p.customer_id and r.workspace_id = ${workspaceId} and r.started_at <= p.occurred_at
      join run_summaries s on s.run_id = r.id
      group by s.run_id
    )
    update run_summaries s set spend_after_entry = s.spend_after_entry + per_run.after_entry,
      spend_after_conversion = s.spend_after_conversion + per_run.after_conversion
    from per_run
    where s.run_id = per_run.run_id and (per_run.after_entry <> 0 or per_run.after_conversion <> 0)`);
  return result.rowCount ?? 0;
}

async function rememberEventNames(
  db: Database,
  workspaceId: string,
  events: readonly ConversionSourceEvent[],
): Promise<void> {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  const rows = JSON.stringify([...counts].map(([name, seen]) => ({ name, seen })));
  await db.execute(sql`
    insert into analytics_event_names as n (workspace_id, name, seen)
    select ${workspaceId}, t.name, t.seen from jsonb_to_recordset(${rows}::jsonb) as t(name text, seen bigint)
    order by t.name
    on conflict (workspace_id, name) do update set seen = n.seen + excluded.seen, last_seen_at = now()`);
}

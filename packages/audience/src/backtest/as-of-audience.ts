/**
 * A journey's audience trigger evaluated as of a past instant, for backtests. The stored facts (last activity,
 * login, purchase, purchase count, spend) are today's, so the backtest keeps its own copy as of the instant it has
 * reached, in a temporary table moved forward day by day from the event log (`applyDeltas`), and evaluates the
 * trigger with the segment compiler itself — the SQL the sweep runs — over a `customers` that carries those as-of
 * facts. Two CTEs named like the tables shadow them for that one statement:
 *   - `customers`: every profile column as stored today (copied when the backtest starts), the fact columns as of
 *     the instant, and only customers that existed then (signed up, created, or with an event by then);
 *   - `customer_daily_activity`: the daily rollup up to the instant's UTC day (windowed facts and trends).
 * Event conditions need nothing: the compiler already counts only events with `occurred_at <= now`. Dormancy stage
 * and "days since" follow from the as-of facts and the instant. What has no history — traits, tags, consent, RFM
 * scores and value tier, churn predictions, dormancy reasons — is today's value (`FIELDS_WITHOUT_HISTORY`).
 *
 * Everything lives on one connection (a transaction of the caller's): temporary tables are per session.
 */
import { sql } from 'drizzle-orm';
import type { Condition } from '@wakeflow/journey';
import type { ChannelConsent, Database } from '@wakeflow/db';
import type { AudienceSettings } from '../settings';
import { eventKindColumns } from '../facts/event-kinds';
import { checkCondition, ConditionInvalidError, loadReferencedSegments } from '../segments/check';
import { segmentWhere, type PreparedCondition } from '../segments/query';
import type { ClassifiedEvent, FactDelta } from './fact-deltas';

type Tx = Pick<Database, 'execute'>;

/** What a backtest's trigger reads at today's value, because the workspace keeps no history of it. */
export const FIELDS_WITHOUT_HISTORY = [
  'traits',
  'tags',
  'consent',
  'profile fields (email, phone, time zone, birthday…)',
  'RFM scores and value tier',
  'churn predictions',
  'dormancy reason',
] as const;

/** A backtest needs the trigger's segment and the segments it refers to, checked like the sweep checks them. */
export async function prepareTrigger(
  db: Database,
  workspaceId: string,
  segmentId: string,
  settings: AudienceSettings,
): Promise<PreparedCondition> {
  const raw: Condition = { kind: 'segment', segmentId, member: true };
  const segments = await loadReferencedSegments(db, workspaceId, raw);
  const { condition, problems } = checkCondition(raw, { segments, allowSinceEntry: false });
  if (!condition || problems.length > 0) throw new ConditionInvalidError(problems);
  return { condition, segments, settings };
}

/** An entrant: as-of last activity (for the dormancy stage); value tier, consent and addresses as of today. */
export interface EntrantFacts {
  index: number;
  customerId: string;
  lastActivityAt: string | null;
  valueTier: string | null;
  timezone: string;
  consent: ChannelConsent;
  email: string | null;
  phone: string | null;
  pushToken: string | null;
}

interface EventRow extends Record<string, unknown> {
  id: string;
  customer_id: string;
  name: string;
  event_id: string;
  properties: Record<string, unknown>;
  occurred_at: Date;
  is_activity: boolean;
  is_login: boolean;
  is_purchase: boolean;
  amount: string | number;
}

/** An event read by the backtest cursor: classified for the facts, with what a journey run sees of it. */
export interface HistoryEvent extends ClassifiedEvent {
  eventId: string;
  name: string;
  properties: Record<string, unknown>;
}

export class AsOfAudience {
  private constructor(
    private readonly tx: Tx,
    private readonly workspaceId: string,
    private readonly trigger: PreparedCondition,
    readonly customers: number,
  ) {}

  /**
   * Creates the as-of facts of every customer of the workspace from the events before `startIso`, and opens a
   * cursor over the events from `startIso` on, in time order, for `nextEvents`.
   */
  static async open(
    tx: Tx,
    input: { workspaceId: string; trigger: PreparedCondition; startIso: string },
  ): Promise<AsOfAudience> {
    const { workspaceId, trigger, startIso } = input;
    const kinds = eventKindColumns(trigger.settings, { name: sql`e.name`, properties: sql`e.properties` });
    await tx.execute(sql`create temporary table backtest_facts (
      idx int primary key, customer_id uuid not null unique, first_event_at timestamptz,
      last_activity_at timestamptz, last_login_at timestamptz, last_purchase_at timestamptz,
      purchase_count int not null, total_spend numeric(14, 2) not null) on commit drop`);
    const created = await tx.execute(sql`
      insert into backtest_facts
      select row_number() over (order by c.id)::int, c.id, f.first_event, f.last_activity, f.last_login,
        f.last_purchase, coalesce(f.purchases, 0), coalesce(f.spend, 0)
      from public.customers c
      left join (
        select e.customer_id, min(e.occurred_at) as first_event,
          max(e.occurred_at) filter (where k.is_activity) as last_activity,
          max(e.occurred_at) filter (where k.is_login) as last_login,
          max(e.occurred_at) filter (where k.is_purchase) as last_purchase,
          count(*) filter (where k.is_purchase)::int as purchases,
          coalesce(sum(k.amount) filter (where k.is_purchase), 0) as spend
        from events e, lateral (select ${kinds}) k
        where e.workspace_id = ${workspaceId} and e.customer_id is not null and e.occurred_at < ${startIso}::timestamptz
        group by e.customer_id
      ) f on f.customer_id = c.id
      where c.workspace_id = ${workspaceId}`);
    // The profile columns, copied once: the daily statement then reads two small temporary tables (with their own
    // statistics), not the workspace's customers.
    await tx.execute(sql`create temporary table backtest_profiles on commit drop as
      select f.idx, c.id, c.workspace_id, c.external_id, c.email, c.phone, c.push_token, c.timezone, c.birthday,
        c.first_name, c.last_name, c.traits, c.tags, c.consent, c.signed_up_at, c.rfm_recency, c.rfm_frequency,
        c.rfm_monetary, c.value_tier, c.rfm_computed_at, c.created_at, c.updated_at
      from backtest_facts f join public.customers c on c.id = f.customer_id`);
    await tx.execute(sql`alter table backtest_profiles add primary key (idx)`);
    await tx.execute(sql`analyze backtest_facts`);
    await tx.execute(sql`analyze backtest_profiles`);
    await tx.execute(sql`declare backtest_events no scroll cursor for
      select e.id, e.customer_id, e.name, e.event_id, e.properties, e.occurred_at, ${kinds}
      from events e
      where e.workspace_id = ${workspaceId} and e.customer_id is not null and e.occurred_at >= ${startIso}::timestamptz
      order by e.occurred_at, e.id`);
    return new AsOfAudience(tx, workspaceId, trigger, created.rowCount ?? 0);
  }

  /** The next page of events in time order; empty when the log is read to its end. */
  async nextEvents(pageSize: number): Promise<HistoryEvent[]> {
    const rows = await this.tx.execute<EventRow>(
      sql.raw(`fetch ${Math.floor(pageSize)} from backtest_events`),
    );
    return rows.rows.map((r) => ({
      customerId: r.customer_id,
      eventId: r.event_id,
      name: r.name,
      properties: r.properties,
      occurredAtMs: new Date(r.occurred_at).getTime(),
      isActivity: r.is_activity,
      isLogin: r.is_login,
      isPurchase: r.is_purchase,
      amount: Number(r.amount),
    }));
  }

  /** Moves the as-of facts forward by a batch of events (folded with `foldFactEvents`). */
  async applyDeltas(deltas: readonly FactDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    await this.tx.execute(sql`
      update backtest_facts f set
        first_event_at = least(f.first_event_at, d.first_event),
        last_activity_at = greatest(f.last_activity_at, d.last_activity),
        last_login_at = greatest(f.last_login_at, d.last_login),
        last_purchase_at = greatest(f.last_purchase_at, d.last_purchase),
        purchase_count = f.purchase_count + d.purchases,
        total_spend = f.total_spend + d.spend
      from unnest(${sql.param(deltas.map((d) => d.customerId))}::uuid[],
        ${sql.param(deltas.map((d) => iso(d.firstEventMs)))}::timestamptz[],
        ${sql.param(deltas.map((d) => iso(d.lastActivityMs)))}::timestamptz[],
        ${sql.param(deltas.map((d) => iso(d.lastLoginMs)))}::timestamptz[],
        ${sql.param(deltas.map((d) => iso(d.lastPurchaseMs)))}::timestamptz[],
        ${sql.param(deltas.map((d) => d.purchases))}::int[],
        ${sql.param(deltas.map((d) => d.spend.toFixed(2)))}::numeric[])
        as d(customer_id, first_event, last_activity, last_login, last_purchase, purchases, spend)
      where f.customer_id = d.customer_id`);
  }

  /**
   * Customers (by index) the trigger matches at `nowIso`, with the segment compiler's SQL over the as-of facts.
   * `among`: only these indexes are asked about (those that could enter at all); all when absent.
   */
  async matchingAt(nowIso: string, among?: readonly number[]): Promise<number[]> {
    if (among?.length === 0) return [];
    const where = segmentWhere(this.workspaceId, this.trigger, nowIso);
    const rows = await this.tx.execute<{ matched: number[] | null }>(sql`
      with customers as (
        select c.id, c.workspace_id, c.external_id, c.email, c.phone, c.push_token, c.timezone, c.birthday,
          c.first_name, c.last_name, c.traits, c.tags, c.consent,
          f.last_activity_at, f.last_login_at, f.last_purchase_at, f.purchase_count, f.total_spend,
          c.signed_up_at, c.rfm_recency, c.rfm_frequency, c.rfm_monetary, c.value_tier, c.rfm_computed_at,
          c.created_at, c.updated_at, f.idx
        -- Asked about a few: the trigger's conditions (its event lookups) run for them only.
        from ${among ? sql`unnest(${sql.param(among)}::int[]) as asked(idx) join backtest_facts f on f.idx = asked.idx` : sql`backtest_facts f`}
        join backtest_profiles c on c.idx = f.idx
        where c.workspace_id = ${this.workspaceId}
          and (f.first_event_at <= ${nowIso}::timestamptz or c.signed_up_at <= ${nowIso}::timestamptz
            or c.created_at <= ${nowIso}::timestamptz)
      ),
      customer_daily_activity as not materialized (
        select * from public.customer_daily_activity d
        where d.workspace_id = ${this.workspaceId} and d.day <= (${nowIso}::timestamptz at time zone 'UTC')::date
      )
      select array_agg(idx order by idx) as matched from customers where ${where}`);
    return rows.rows[0]?.matched ?? [];
  }

  async entrants(indexes: readonly number[]): Promise<EntrantFacts[]> {
    if (indexes.length === 0) return [];
    const rows = await this.tx.execute<{
      idx: number;
      customer_id: string;
      last_activity_at: Date | null;
      value_tier: string | null;
      timezone: string;
      consent: ChannelConsent;
      email: string | null;
      phone: string | null;
      push_token: string | null;
    }>(sql`
      select f.idx, f.customer_id, f.last_activity_at, c.value_tier, c.timezone, c.consent, c.email, c.phone,
        c.push_token
      from backtest_facts f join public.customers c on c.id = f.customer_id
      where f.idx = any(${sql.param(indexes)}::int[]) order by f.idx`);
    return rows.rows.map((r) => ({
      index: r.idx,
      customerId: r.customer_id,
      lastActivityAt: r.last_activity_at ? new Date(r.last_activity_at).toISOString() : null,
      valueTier: r.value_tier,
      timezone: r.timezone,
      consent: r.consent,
      email: r.email,
      phone: r.phone,
      pushToken: r.push_token,
    }));
  }

  async close(): Promise<void> {
    await this.tx.execute(sql`close backtest_events`);
    await this.tx.execute(sql`drop table if exists backtest_facts`);
    await this.tx.execute(sql`drop table if exists backtest_profiles`);
  }
}

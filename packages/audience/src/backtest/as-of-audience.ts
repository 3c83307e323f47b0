/**
 * A journey's audience trigger evaluated as of a past instant, for backtests. The stored facts (last activity,
 * login, purchase, purchase count, spend) are today's, so the backtest keeps its own copy as of the instant it has
 * reached, moved forward from the event log as it is read in time order. Two ways to evaluate the trigger, with the
 * same result:
 *   - in memory (as-of-trigger.ts), whenever every leaf of the condition can be: as-of facts and event counts in
 *     typed arrays per customer, leaves that do not change over the backtest evaluated once with their compiled
 *     SQL, and which events an event leaf counts selected by its compiled SQL in the cursor. No statement per day.
 *   - otherwise with the segment compiler itself — the SQL the sweep runs — once a day over a `customers` that
 *     carries the as-of facts (a temporary table moved forward by `applyDeltas`). Two CTEs named like the tables
 *     shadow them for that one statement:
 *       - `customers`: every profile column as stored today (copied when the backtest starts), the fact columns
 *         as of the instant, and only customers that existed then (signed up, created, or with an event by then);
 *       - `customer_daily_activity`: the daily rollup up to the instant's UTC day (windowed facts and trends).
 *     Event conditions need nothing: the compiler already counts only events with `occurred_at <= now`.
 * Dormancy stage and "days since" follow from the as-of facts and the instant. What has no history — traits, tags,
 * consent, RFM scores and value tier, churn predictions, dormancy reasons — is today's value
 * (`FIELDS_WITHOUT_HISTORY`).
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
import { compileCondition, eventMatchSql } from '../segments/compile';
import { AsOfFacts } from './as-of-facts';
import { AsOfTrigger } from './as-of-trigger';
import { foldFactEvents, type ClassifiedEvent, type FactDelta } from './fact-deltas';

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
  idx: number;
  customer_id: string;
  name: string;
  event_id: string;
  properties: Record<string, unknown> | null;
  /** ms since the epoch: a number parses much faster than a timestamp, and the cursor reads every event. */
  occurred_ms: number;
  is_activity: boolean;
  is_login: boolean;
  is_purchase: boolean;
  amount: string | number;
  /** Whether each of the in-memory trigger's event leaves counts the event (`leaf_0`, `leaf_1`…). */
  [leaf: `leaf_${number}`]: boolean;
}

/** An event read by the backtest cursor: classified for the facts, with what a journey run sees of it. */
export interface HistoryEvent extends ClassifiedEvent {
  /** The customer's index in the backtest (1-based). */
  index: number;
  eventId: string;
  name: string;
  /** Empty before the backtest's start and for names no run hears (`heardNames`). */
  properties: Record<string, unknown>;
  /** For the in-memory trigger: whether each event leaf counts this event. */
  leafMatches: boolean[];
}

/** The trigger evaluated in memory, with what it reads: as-of facts and when each customer came to exist. */
interface InMemory {
  facts: AsOfFacts;
  trigger: AsOfTrigger;
  signedUpMs: Float64Array;
  createdMs: Float64Array;
}

/** An event's time in whole ms since the epoch, as a Date of it would hold (JavaScript drops the microseconds). */
const OCCURRED_MS = sql`floor(extract(epoch from ev.occurred_at) * 1000)::float8`;

/** Profile rows read at a time when the in-memory state is loaded. */
const PROFILE_PAGE = 50_000;

export class AsOfAudience {
  private readonly zones = new Map<string, string>();
  private readonly consents = new Map<string, ChannelConsent>();

  private constructor(
    private readonly tx: Tx,
    private readonly workspaceId: string,
    private readonly trigger: PreparedCondition,
    readonly customers: number,
    private readonly memory: InMemory | null,
    /** Why the trigger is evaluated with SQL each day instead of in memory; null when in memory. */
    readonly sqlReason: string | null,
  ) {}

  /**
   * Copies the profiles of every customer of the workspace and opens a cursor over the events, in time order.
   * The trigger is planned in memory when it can be (as-of-trigger.ts): the cursor then starts at the beginning of
   * the log, and the as-of facts and event leaves follow every event (those before `startIso` too, with
   * `applyEvents`). Otherwise the as-of facts before `startIso` are aggregated into a temporary table, the cursor
   * starts at `startIso`, and each day's trigger is the compiled SQL over that table.
   */
  static async open(
    tx: Tx,
    input: {
      workspaceId: string;
      trigger: PreparedCondition;
      startIso: string;
      /** false: the compiled SQL each day even when the trigger could be evaluated in memory (to compare the two). */
      inMemory?: boolean;
      /** Events of these names carry their properties (those the journey's runs hear); others come without. */
      heardNames?: readonly string[];
    },
  ): Promise<AsOfAudience> {
    const { workspaceId, trigger, startIso } = input;
    // Properties only of events a run may hear, from the start on: earlier events move facts and counts only.
    const heard = sql`ev.occurred_at >= ${startIso}::timestamptz ${
      input.heardNames ? sql`and ev.name = any(${sql.param(input.heardNames)}::text[])` : sql``
    }`;
    const kinds = eventKindColumns(trigger.settings, { name: sql`ev.name`, properties: sql`ev.properties` });
    // The profile columns, copied once: the statements below read a small temporary table (with its own
    // statistics), not the workspace's customers. `idx` numbers the customers for the typed arrays.
    const created = await tx.execute(sql`create temporary table backtest_profiles on commit drop as
      select row_number() over (order by c.id)::int as idx, c.id, c.workspace_id, c.external_id, c.email, c.phone,
        c.push_token, c.timezone, c.birthday, c.first_name, c.last_name, c.traits, c.tags, c.consent, c.signed_up_at,
        c.rfm_recency, c.rfm_frequency, c.rfm_monetary, c.value_tier, c.rfm_computed_at, c.created_at, c.updated_at
      from public.customers c where c.workspace_id = ${workspaceId}`);
    const customers = created.rowCount ?? 0;
    await tx.execute(sql`alter table backtest_profiles add primary key (idx)`);
    await tx.execute(sql`create unique index on backtest_profiles (id)`);
    await tx.execute(sql`analyze backtest_profiles`);

    const facts = new AsOfFacts(customers);
    const planned =
      input.inMemory === false ? { unsupported: 'asked for' } : AsOfTrigger.plan(trigger, facts);
    if (planned instanceof AsOfTrigger) {
      const memory = await loadInMemory(tx, workspaceId, trigger, planned, facts, startIso);
      const leaves = planned.eventLeaves.map(
        (leaf, slot) => sql`, (${eventMatchSql(leaf)}) as ${sql.identifier(`leaf_${slot}`)}`,
      );
      await tx.execute(sql`declare backtest_events no scroll cursor for
        select p.idx, ev.customer_id, ev.name, ev.event_id, case when ${heard} then ev.properties end as properties,
          ${OCCURRED_MS} as occurred_ms, ${kinds} ${sql.join(leaves, sql``)}
        from events ev join backtest_profiles p on p.id = ev.customer_id
        where ev.workspace_id = ${workspaceId}
        order by ev.occurred_at, ev.id`);
      return new AsOfAudience(tx, workspaceId, trigger, customers, memory, null);
    }

    await tx.execute(sql`create temporary table backtest_facts (
      idx int primary key, customer_id uuid not null unique, first_event_at timestamptz,
      last_activity_at timestamptz, last_login_at timestamptz, last_purchase_at timestamptz,
      purchase_count int not null, total_spend numeric(14, 2) not null) on commit drop`);
    await tx.execute(sql`
      insert into backtest_facts
      select p.idx, p.id, f.first_event, f.last_activity, f.last_login,
        f.last_purchase, coalesce(f.purchases, 0), coalesce(f.spend, 0)
      from backtest_profiles p
      left join (
        select ev.customer_id, min(ev.occurred_at) as first_event,
          max(ev.occurred_at) filter (where k.is_activity) as last_activity,
          max(ev.occurred_at) filter (where k.is_login) as last_login,
          max(ev.occurred_at) filter (where k.is_purchase) as last_purchase,
          count(*) filter (where k.is_purchase)::int as purchases,
          coalesce(sum(k.amount) filter (where k.is_purchase), 0) as spend
        from events ev, lateral (select ${kinds}) k
        where ev.workspace_id = ${workspaceId} and ev.customer_id is not null and ev.occurred_at < ${startIso}::timestamptz
        group by ev.customer_id
      ) f on f.customer_id = p.id`);
    await tx.execute(sql`analyze backtest_facts`);
    await tx.execute(sql`declare backtest_events no scroll cursor for
      select p.idx, ev.customer_id, ev.name, ev.event_id, case when ${heard} then ev.properties end as properties,
        ${OCCURRED_MS} as occurred_ms, ${kinds}
      from events ev join backtest_profiles p on p.id = ev.customer_id
      where ev.workspace_id = ${workspaceId} and ev.occurred_at >= ${startIso}::timestamptz
      order by ev.occurred_at, ev.id`);
    return new AsOfAudience(tx, workspaceId, trigger, customers, null, planned.unsupported);
  }

  /** The next page of events in time order; empty when the log is read to its end. */
  async nextEvents(pageSize: number): Promise<HistoryEvent[]> {
    const rows = await this.tx.execute<EventRow>(
      sql.raw(`fetch ${Math.floor(pageSize)} from backtest_events`),
    );
    const leaves = (this.memory?.trigger.eventLeaves ?? []).map((_, slot) => `leaf_${slot}` as const);
    return rows.rows.map((r) => {
      const leafMatches: boolean[] = [];
      for (const leaf of leaves) leafMatches.push(r[leaf] === true);
      return {
        index: r.idx,
        customerId: r.customer_id,
        eventId: r.event_id,
        name: r.name,
        properties: r.properties ?? {},
        occurredAtMs: Number(r.occurred_ms),
        isActivity: r.is_activity,
        isLogin: r.is_login,
        isPurchase: r.is_purchase,
        amount: Number(r.amount),
        leafMatches,
      };
    });
  }

  /** Moves the as-of facts (and the in-memory trigger's event counts) forward by events read from the cursor. */
  async applyEvents(events: readonly HistoryEvent[]): Promise<void> {
    if (this.memory) {
      const { facts, trigger } = this.memory;
      for (const e of events) {
        facts.apply(e.index, e);
        trigger.applyEvent(e.index, e.occurredAtMs, e.leafMatches);
      }
      return;
    }
    await this.applyDeltas(foldFactEvents(events));
  }

  private async applyDeltas(deltas: readonly FactDelta[]): Promise<void> {
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
   * Customers (by index) the trigger matches at `nowIso`: in memory, or with the segment compiler's SQL over the
   * as-of facts. A customer exists from their sign-up, creation or first event, whichever is first.
   * `among`: only these indexes are asked about (those that could enter at all); all when absent.
   */
  async matchingAt(nowIso: string, among?: readonly number[]): Promise<number[]> {
    if (among?.length === 0) return [];
    if (this.memory) return this.matchingInMemory(Date.parse(nowIso), among);
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

  private matchingInMemory(nowMs: number, among: readonly number[] | undefined): number[] {
    const { facts, trigger, signedUpMs, createdMs } = this.memory!;
    trigger.nowMs = nowMs;
    const matched: number[] = [];
    const ask = (index: number) => {
      // NaN (no event, no sign-up) compares false, as SQL's null does.
      const exists =
        facts.firstEventMs[index]! <= nowMs || signedUpMs[index]! <= nowMs || createdMs[index]! <= nowMs;
      if (exists && trigger.matches(index)) matched.push(index);
    };
    if (among) for (const index of among) ask(index);
    else for (let index = 1; index <= this.customers; index++) ask(index);
    return matched;
  }

  /** Entrants by index: as-of last activity; value tier, consent and addresses as of today. */
  async entrants(indexes: readonly number[]): Promise<EntrantFacts[]> {
    if (indexes.length === 0) return [];
    const rows = await this.tx.execute<{
      idx: number;
      id: string;
      last_activity_at: Date | null;
      value_tier: string | null;
      timezone: string;
      consent: ChannelConsent;
      email: string | null;
      phone: string | null;
      push_token: string | null;
    }>(sql`
      select p.idx, p.id, ${this.memory ? sql`null::timestamptz` : sql`f.last_activity_at`} as last_activity_at,
        p.value_tier, p.timezone, p.consent, p.email, p.phone, p.push_token
      from backtest_profiles p ${this.memory ? sql`` : sql`join backtest_facts f on f.idx = p.idx`}
      where p.idx = any(${sql.param(indexes)}::int[]) order by p.idx`);
    // Zones and consents repeat across customers: one copy each (a backtest keeps its entrants while they run).
    const shared = <T>(values: Map<string, T>, key: string, value: T): T => {
      const known = values.get(key);
      if (known !== undefined) return known;
      values.set(key, value);
      return value;
    };
    return rows.rows.map((r) => ({
      index: r.idx,
      customerId: r.id,
      lastActivityAt: this.memory
        ? this.memory.facts.lastActivityIso(r.idx)
        : r.last_activity_at
          ? new Date(r.last_activity_at).toISOString()
          : null,
      valueTier: r.value_tier,
      timezone: shared(this.zones, r.timezone, r.timezone),
      consent: shared(this.consents, JSON.stringify(r.consent), r.consent),
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

/**
 * The in-memory trigger's start: when each customer came to exist (sign-up, creation), and each static leaf
 * evaluated once with its compiled SQL over the copied profiles.
 */
async function loadInMemory(
  tx: Tx,
  workspaceId: string,
  prepared: PreparedCondition,
  trigger: AsOfTrigger,
  facts: AsOfFacts,
  startIso: string,
): Promise<InMemory> {
  const signedUpMs = new Float64Array(facts.customers + 1).fill(Number.NaN);
  const createdMs = new Float64Array(facts.customers + 1).fill(Number.NaN);
  for (let from = 0; from < facts.customers; from += PROFILE_PAGE) {
    const rows = await tx.execute<{ idx: number; signed_up_at: Date | null; created_at: Date }>(sql`
      select idx, signed_up_at, created_at from backtest_profiles
      where idx > ${from} and idx <= ${from + PROFILE_PAGE}`);
    for (const r of rows.rows) {
      if (r.signed_up_at) signedUpMs[r.idx] = new Date(r.signed_up_at).getTime();
      createdMs[r.idx] = new Date(r.created_at).getTime();
    }
  }
  for (const [slot, leaf] of trigger.staticLeaves.entries()) {
    // The leaf's own compiled SQL; it does not depend on the instant, so any instant will do.
    const match = compileCondition(leaf, {
      workspaceId,
      now: startIso,
      settings: prepared.settings,
      segments: prepared.segments,
    });
    const rows = await tx.execute<{ idx: number }>(sql`
      with customers as (select * from backtest_profiles)
      select idx from customers where ${match}`);
    trigger.setStatic(
      slot,
      rows.rows.map((r) => r.idx),
    );
  }
  return { facts, trigger, signedUpMs, createdMs };
}

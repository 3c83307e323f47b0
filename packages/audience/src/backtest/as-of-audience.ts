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
import { sql, type SQL } from 'drizzle-orm';
import type { Condition } from '@wakeflow/journey';
import type { ChannelConsent, Database } from '@wakeflow/db';
import type { AudienceSettings } from '../settings';
import { eventKindColumns, eventKindSql, type EventKindSql } from '../facts/event-kinds';
import { checkCondition, ConditionInvalidError, loadReferencedSegments } from '../segments/check';
import { segmentWhere, type PreparedCondition } from '../segments/query';
import { compileCondition, eventMatchSql } from '../segments/compile';
import { AsOfFacts } from './as-of-facts';
import { AsOfTrigger } from './as-of-trigger';
import {
  EVENT_IS_ACTIVITY,
  EVENT_IS_LOGIN,
  EVENT_IS_PURCHASE,
  FIRST_LEAF_BIT,
  foldFactEvents,
  type ClassifiedEvent,
  type FactDelta,
} from './fact-deltas';

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

/** An entrant's profile: value tier, consent and addresses as of today (the same at every entry). */
export interface EntrantFacts {
  index: number;
  customerId: string;
  valueTier: string | null;
  timezone: string;
  consent: ChannelConsent;
  email: string | null;
  phone: string | null;
  pushToken: string | null;
}

/** An entrant at one entry: the profile, and the last activity as of the entry (for the dormancy stage). */
export interface Entrant {
  customer: EntrantFacts;
  /** ms since the epoch; NaN: no activity yet. */
  lastActivityMs: number;
}

/**
 * An event read by the backtest cursor: classified for the facts, and what a journey run sees of it. The cursor
 * reads every event of the log, and most no run hears: those come as numbers only (the strings are null), and
 * the rows are used as they arrive (the selected columns carry these names), not copied into other objects.
 */
export interface HistoryEvent extends ClassifiedEvent {
  /** The rest only for events a run may hear (of `heardNames`, from the backtest's start on); null otherwise. */
  customerId: string | null;
  eventId: string | null;
  name: string | null;
  properties: Record<string, unknown> | null;
}

/** The trigger evaluated in memory, with what it reads: as-of facts and when each customer came to exist. */
interface InMemory {
  facts: AsOfFacts;
  trigger: AsOfTrigger;
  signedUpMs: Float64Array;
  createdMs: Float64Array;
}

/**
 * A timestamp in whole ms since the epoch, as a Date of it would hold (JavaScript drops the microseconds): a number
 * parses much faster than a timestamp, and the cursor reads every event.
 */
const epochMs = (time: SQL) => sql`floor(extract(epoch from ${time}) * 1000)::float8`;

/** The cursor's event row, as the fact definitions classify it. */
const EVENT_ROW = { name: sql`ev.name`, properties: sql`ev.properties` };

/**
 * The cursor's select list, in `HistoryEvent`'s names: the classification and the event leaves as the bits of
 * one int4, the amount of purchases only, and the strings only for events a run may hear.
 */
function historyEventColumns(kind: EventKindSql, heard: SQL, leaves: readonly SQL[]): SQL {
  const bit = (test: SQL, value: number) => sql`case when ${test} then ${value}::int else 0 end`;
  const bits = [
    bit(kind.isActivity, EVENT_IS_ACTIVITY),
    bit(kind.isLogin, EVENT_IS_LOGIN),
    bit(kind.isPurchase, EVENT_IS_PURCHASE),
    ...leaves.map((leaf, slot) => bit(leaf, 1 << (FIRST_LEAF_BIT + slot))),
  ];
  return sql`p.idx as "index", ${epochMs(sql`ev.occurred_at`)} as "occurredAtMs", (${sql.join(bits, sql` | `)}) as "kind",
    case when ${kind.isPurchase} then (${kind.amount})::float8 end as "amount",
    case when ${heard} then ev.customer_id end as "customerId",
    case when ${heard} then ev.event_id end as "eventId",
    case when ${heard} then ev.name end as "name",
    case when ${heard} then ev.properties end as "properties"`;
}

/** Profile rows read at a time when the in-memory state is loaded. */
const PROFILE_PAGE = 50_000;

export class AsOfAudience {
  private readonly zones = new Map<string, string>();
  private readonly consents = new Map<string, ChannelConsent>();
  /**
   * Entrants' profiles by index, read once and kept: most entries are of customers who entered before (5.6M
   * entries of 980k customers at 1M), and a profile does not change over a backtest.
   */
  private readonly profiles: (EntrantFacts | undefined)[];

  private constructor(
    private readonly tx: Tx,
    private readonly workspaceId: string,
    private readonly trigger: PreparedCondition,
    readonly customers: number,
    private readonly memory: InMemory | null,
    /** Why the trigger is evaluated with SQL each day instead of in memory; null when in memory. */
    readonly sqlReason: string | null,
  ) {
    this.profiles = new Array<EntrantFacts | undefined>(customers + 1).fill(undefined);
  }

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
    const kind = eventKindSql(trigger.settings, EVENT_ROW);
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

    // The cursor's first page waits for PostgreSQL to sort the whole log (20M events at 1M customers): with the
    // default 4 MB it merges many runs from disk; 256 MB for this transaction took that from ~55 s to ~35 s.
    await tx.execute(sql`set local work_mem = '256MB'`);
    const facts = new AsOfFacts(customers);
    const planned =
      input.inMemory === false ? { unsupported: 'asked for' } : AsOfTrigger.plan(trigger, facts);
    if (planned instanceof AsOfTrigger) {
      const memory = await loadInMemory(tx, workspaceId, trigger, planned, facts, startIso);
      const leaves = planned.eventLeaves.map((leaf) => eventMatchSql(leaf));
      await tx.execute(sql`declare backtest_events no scroll cursor for
        select ${historyEventColumns(kind, heard, leaves)}
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
        from events ev, lateral (select ${eventKindColumns(trigger.settings, EVENT_ROW)}) k
        where ev.workspace_id = ${workspaceId} and ev.customer_id is not null and ev.occurred_at < ${startIso}::timestamptz
        group by ev.customer_id
      ) f on f.customer_id = p.id`);
    await tx.execute(sql`analyze backtest_facts`);
    await tx.execute(sql`declare backtest_events no scroll cursor for
      select ${historyEventColumns(kind, heard, [])}
      from events ev join backtest_profiles p on p.id = ev.customer_id
      where ev.workspace_id = ${workspaceId} and ev.occurred_at >= ${startIso}::timestamptz
      order by ev.occurred_at, ev.id`);
    return new AsOfAudience(tx, workspaceId, trigger, customers, null, planned.unsupported);
  }

  /** The next page of events in time order; empty when the log is read to its end. */
  async nextEvents(pageSize: number): Promise<HistoryEvent[]> {
    const rows = await this.tx.execute<HistoryEvent & Record<string, unknown>>(
      sql.raw(`fetch ${Math.floor(pageSize)} from backtest_events`),
    );
    return rows.rows;
  }

  /** Moves the as-of facts (and the in-memory trigger's event counts) forward by events read from the cursor. */
  async applyEvents(events: readonly HistoryEvent[]): Promise<void> {
    if (this.memory) {
      const { facts, trigger } = this.memory;
      for (const e of events) {
        facts.apply(e);
        const leafBits = e.kind >>> FIRST_LEAF_BIT;
        if (leafBits) trigger.applyEvent(e.index, e.occurredAtMs, leafBits);
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
      from unnest(${sql.param(deltas.map((d) => d.index))}::int[],
        ${sql.param(deltas.map((d) => iso(d.firstEventMs)))}::timestamptz[],
        ${sql.param(deltas.map((d) => iso(d.lastActivityMs)))}::timestamptz[],
        ${sql.param(deltas.map((d) => iso(d.lastLoginMs)))}::timestamptz[],
        ${sql.param(deltas.map((d) => iso(d.lastPurchaseMs)))}::timestamptz[],
        ${sql.param(deltas.map((d) => d.purchases))}::int[],
        ${sql.param(deltas.map((d) => d.spend.toFixed(2)))}::numeric[])
        as d(idx, first_event, last_activity, last_login, last_purchase, purchases, spend)
      where f.idx = d.idx`);
  }

  /**
   * Customers (by index) the trigger matches at `nowIso`: in memory, or with the segment compiler's SQL over the
   * as-of facts. A customer exists from their sign-up, creation or first event, whichever is first.
   * `among`: only these indexes are asked about (those that could enter at all); all when absent.
   */
  async matchingAt(nowIso: string, among?: ArrayLike<number>): Promise<number[]> {
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
        from ${among ? sql`unnest(${sql.param(Array.from(among))}::int[]) as asked(idx) join backtest_facts f on f.idx = asked.idx` : sql`backtest_facts f`}
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

  private matchingInMemory(nowMs: number, among: ArrayLike<number> | undefined): number[] {
    const { facts, trigger, signedUpMs, createdMs } = this.memory!;
    trigger.nowMs = nowMs;
    const matched: number[] = [];
    const ask = (index: number) => {
      // NaN (no event, no sign-up) compares false, as SQL's null does.
      const exists =
        facts.firstEventMs[index]! <= nowMs || signedUpMs[index]! <= nowMs || createdMs[index]! <= nowMs;
      if (exists && trigger.matches(index)) matched.push(index);
    };
    if (among) for (let k = 0; k < among.length; k++) ask(among[k]!);
    else for (let index = 1; index <= this.customers; index++) ask(index);
    return matched;
  }

  /** Entrants by index, in the order asked: their profiles, and the last activity as of the instant reached. */
  async entrants(indexes: readonly number[]): Promise<Entrant[]> {
    if (indexes.length === 0) return [];
    await this.loadProfiles(indexes.filter((index) => this.profiles[index] === undefined));
    let lastActivityMs: (index: number) => number;
    if (this.memory) {
      const { facts } = this.memory;
      lastActivityMs = (index) => facts.lastActivityMs[index]!;
    } else {
      const rows = await this.tx.execute<{ idx: number; last_activity_ms: number | null }>(sql`
        select f.idx, ${epochMs(sql`f.last_activity_at`)} as last_activity_ms
        from backtest_facts f where f.idx = any(${sql.param(indexes)}::int[])`);
      const known = new Map(rows.rows.map((r) => [r.idx, r.last_activity_ms ?? Number.NaN]));
      lastActivityMs = (index) => known.get(index) ?? Number.NaN;
    }
    return indexes.map((index) => ({
      customer: this.profiles[index]!,
      lastActivityMs: lastActivityMs(index),
    }));
  }

  private async loadProfiles(indexes: readonly number[]): Promise<void> {
    if (indexes.length === 0) return;
    const rows = await this.tx.execute<{
      idx: number;
      id: string;
      value_tier: string | null;
      timezone: string;
      consent: string;
      email: string | null;
      phone: string | null;
      push_token: string | null;
    }>(sql`
      select p.idx, p.id, p.value_tier, p.timezone, p.consent::text as consent, p.email, p.phone, p.push_token
      from backtest_profiles p where p.idx = any(${sql.param(indexes)}::int[])`);
    // Zones and consents repeat across customers: one copy each, the consent parsed once per distinct text.
    const shared = <T>(values: Map<string, T>, key: string, make: (key: string) => T): T => {
      let known = values.get(key);
      if (known === undefined) values.set(key, (known = make(key)));
      return known;
    };
    for (const r of rows.rows)
      this.profiles[r.idx] = {
        index: r.idx,
        customerId: r.id,
        valueTier: r.value_tier,
        timezone: shared(this.zones, r.timezone, (zone) => zone),
        consent: shared(this.consents, r.consent, (text) => JSON.parse(text) as ChannelConsent),
        email: r.email,
        phone: r.phone,
        pushToken: r.push_token,
      };
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

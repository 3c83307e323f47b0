/**
 * A backtest's trigger evaluated in memory, each day, for every customer who could enter, instead of one SQL
 * statement per day (546 of them over CDNOW took most of a two-minute backtest). The segment compiler stays the
 * definition: every part of the condition whose meaning lies in SQL is still decided by its SQL, and only what
 * changes with the backtest's clock is followed here:
 *   - a leaf that does not change over the backtest (tags, traits, profile fields, RFM scores and tier, churn
 *     predictions, dormancy reason: today's values, `FIELDS_WITHOUT_HISTORY`) is evaluated ONCE, by its compiled SQL,
 *     for every customer (`staticLeaves`, filled by the caller);
 *   - an event leaf ("logged in at least once in the last 30 days"): which events it counts (name and property
 *     filters) is its compiled SQL, selected as a column of the backtest's event cursor (`eventLeaves`); here each
 *     customer keeps the last few matching times (count + 1 is enough to decide the comparison) and counts those
 *     inside the window at the instant, `ev.occurred_at > now − duration` like the compiled SQL;
 *   - a fact leaf reads the as-of facts (as-of-facts.ts) with the compiled SQL's comparison: "days since" as a
 *     range on the timestamp, dormancy stages as ranges of last activity, counts and spend as numbers.
 * A condition with any other leaf (windowed facts, trends, birthdays and other clock-relative profile fields, a
 * timestamp compared with a value…) is not planned (`planAsOfTrigger` says why) and the backtest evaluates it with
 * the compiled SQL each day. Leaves are combined as the compiled SQL combines them: NOT pushed to the leaves, a
 * leaf that is NULL in SQL is false here and its negation true (`not coalesce(leaf, false)`).
 *
 * The differential test (test/as-of-trigger.test.ts) checks random conditions of this subset against the compiled
 * SQL on PostgreSQL at many instants.
 */
import { durationToMs, type Condition, type EventCondition, type TraitCondition } from '@wakeflow/journey';
import { dormancyStageOf, type DormancyStage } from '../facts/dormancy';
import type { AudienceSettings } from '../settings';
import { resolveField } from '../segments/fields';
import type { PreparedCondition } from '../segments/query';
import type { AsOfFacts } from './as-of-facts';
import { MAX_EVENT_LEAVES } from './fact-deltas';

const DAY_MS = 86_400_000;
/** A "last N days" event leaf keeps count + 1 times per customer; above this, the SQL path is cheaper in memory. */
const MAX_KEPT_TIMES = 8;

/** Fields whose value is today's during the whole backtest, so one evaluation of the leaf serves every day. */
const STATIC_FIELDS = new Set([
  'externalId',
  'email',
  'phone',
  'pushToken',
  'timezone',
  'birthday',
  'firstName',
  'lastName',
  'signedUpAt',
  'createdAt',
  'consent.email',
  'consent.sms',
  'consent.push',
  'facts.rfmRecency',
  'facts.rfmFrequency',
  'facts.rfmMonetary',
  'facts.rfmScore',
  'facts.valueTier',
  'facts.birthdayMonth',
  'facts.pAlive',
  'facts.expectedPurchases',
  'facts.predictedClv',
  'facts.predictedClvTopPercent',
  'facts.dormancyReason',
]);

const TIMESTAMP_FACTS = {
  'facts.lastActivityAt': 'lastActivityMs',
  'facts.lastLoginAt': 'lastLoginMs',
  'facts.lastPurchaseAt': 'lastPurchaseMs',
} as const;
const DAYS_SINCE_FACTS = {
  'facts.daysSinceLastActivity': 'lastActivityMs',
  'facts.daysSinceLastLogin': 'lastLoginMs',
  'facts.daysSinceLastPurchase': 'lastPurchaseMs',
} as const;

/** Whether a customer at `index` matches at the evaluation instant (`AsOfTrigger.nowMs`). */
type Test = (index: number) => boolean;

interface EventLeafState {
  condition: EventCondition;
  /** Matching events so far, for an `ever` window. */
  counts?: Int32Array;
  /** The last `kept` matching times per customer (a ring), for a `last` window. */
  times?: Float64Array;
  kept: number;
  next?: Uint8Array;
}

export class AsOfTrigger {
  /** The evaluation instant; set before `matches`. */
  nowMs = 0;
  private readonly statics: Uint8Array[] = [];
  private readonly events: EventLeafState[];
  private readonly test: Test;

  private constructor(
    readonly staticLeaves: readonly Condition[],
    eventLeaves: readonly EventCondition[],
    build: (trigger: AsOfTrigger) => Test,
    private readonly customers: number,
  ) {
    this.events = eventLeaves.map((condition) => {
      const kept = condition.count.value + 1;
      return condition.window.type === 'ever'
        ? { condition, kept, counts: new Int32Array(customers + 1) }
        : {
            condition,
            kept,
            times: new Float64Array((customers + 1) * kept).fill(Number.NaN),
            next: new Uint8Array(customers + 1),
          };
    });
    this.test = build(this);
  }

  /** The event leaves, in the order of `applyEvent`'s bits: the cursor selects each one's compiled match. */
  get eventLeaves(): readonly EventCondition[] {
    return this.events.map((e) => e.condition);
  }

  /**
   * Plans the trigger for `customers` customers over `facts`, or says why it cannot be evaluated in memory (the
   * caller then uses the compiled SQL each day).
   */
  static plan(prepared: PreparedCondition, facts: AsOfFacts): AsOfTrigger | { unsupported: string } {
    const statics: Condition[] = [];
    const events: EventCondition[] = [];
    type Build = (trigger: AsOfTrigger) => Test;
    const plan = (node: Condition, stack: readonly string[]): Build | string => {
      switch (node.kind) {
        case 'and':
        case 'or': {
          const parts: Build[] = [];
          for (const child of node.conditions) {
            const part = plan(child, stack);
            if (typeof part === 'string') return part;
            parts.push(part);
          }
          // AND stops at the first false part, OR at the first true one.
          const stopAt = node.kind === 'or';
          return (t) => {
            const tests = parts.map((p) => p(t));
            return (i) => {
              for (const f of tests) if (f(i) === stopAt) return stopAt;
              return !stopAt;
            };
          };
        }
        case 'not': {
          const inner = plan(node.condition, stack);
          if (typeof inner === 'string') return inner;
          return (t) => {
            const f = inner(t);
            return (i) => !f(i);
          };
        }
        case 'segment': {
          const definition = prepared.segments.get(node.segmentId);
          if (!definition || stack.includes(node.segmentId))
            return `segment ${node.segmentId} is unknown or refers to itself`;
          const inner = plan(definition, [...stack, node.segmentId]);
          if (typeof inner === 'string' || node.member) return inner;
          return (t) => {
            const f = inner(t);
            return (i) => !f(i);
          };
        }
        case 'tag':
          return staticLeaf(node.has ? node : { ...node, has: true }, !node.has);
        case 'event':
          return eventLeaf(node);
        case 'trait':
          if (node.field.startsWith('traits.') || STATIC_FIELDS.has(node.field))
            return staticLeaf(node, false);
          return factLeaf(node, facts, prepared.settings) ?? `${node.field} ${node.op} is evaluated in SQL`;
      }
    };
    // `tag has: false` is planned as the negation of `has: true`, as the compiler's NNF does.
    const staticLeaf = (node: Condition, negated: boolean): Build => {
      const slot = statics.length;
      statics.push(node);
      return (t) => {
        const bits = () => t.statics[slot]!;
        return negated ? (i) => bits()[i] !== 1 : (i) => bits()[i] === 1;
      };
    };
    const eventLeaf = (node: EventCondition): Build | string => {
      if (node.window.type === 'since_entry') return 'a since-entry window needs a journey entry';
      if (node.window.type === 'last' && node.count.value + 1 > MAX_KEPT_TIMES)
        return `counting over ${node.count.value} events in a window is evaluated in SQL`;
      const slot = events.length;
      events.push(node);
      const compare = comparison(node.count.op, node.count.value);
      return (t) => {
        const state = t.events[slot]!;
        if (state.counts) {
          const counts = state.counts;
          return (i) => compare(counts[i]!);
        }
        const times = state.times!;
        const kept = state.kept;
        const windowMs = node.window.type === 'last' ? durationToMs(node.window.duration) : 0;
        return (i) => {
          const from = t.nowMs - windowMs;
          let n = 0;
          for (let k = i * kept; k < (i + 1) * kept; k++) if (times[k]! > from) n += 1;
          return compare(n);
        };
      };
    };
    const root = plan(prepared.condition, []);
    if (typeof root === 'string') return { unsupported: root };
    if (events.length > MAX_EVENT_LEAVES)
      return { unsupported: `more than ${MAX_EVENT_LEAVES} event conditions are evaluated in SQL` };
    return new AsOfTrigger(statics, events, root, facts.customers);
  }

  /** Customers (by index) matching a static leaf, from its compiled SQL. */
  setStatic(slot: number, indexes: readonly number[]): void {
    const bits = new Uint8Array(this.customers + 1);
    for (const i of indexes) bits[i] = 1;
    this.statics[slot] = bits;
  }

  /** An event of the customer at `index`, with bit `slot` set for each event leaf that counts it (`eventLeaves` order). */
  applyEvent(index: number, atMs: number, leafBits: number): void {
    for (let slot = 0; slot < this.events.length; slot++) {
      if ((leafBits & (1 << slot)) === 0) continue;
      const state = this.events[slot]!;
      if (state.counts) {
        state.counts[index] = state.counts[index]! + 1;
        continue;
      }
      // Events arrive in time order: the ring keeps the latest `kept` of them.
      const next = state.next!;
      state.times![index * state.kept + next[index]!] = atMs;
      next[index] = (next[index]! + 1) % state.kept;
    }
  }

  matches(index: number): boolean {
    return this.test(index);
  }
}

/** `count op value` as the compiled SQL compares a (capped) count. */
function comparison(op: EventCondition['count']['op'], value: number): (n: number) => boolean {
  switch (op) {
    case 'eq':
      return (n) => n === value;
    case 'neq':
      return (n) => n !== value;
    case 'gt':
      return (n) => n > value;
    case 'gte':
      return (n) => n >= value;
    case 'lt':
      return (n) => n < value;
    case 'lte':
      return (n) => n <= value;
  }
}

/** A leaf on an as-of fact, with the compiled SQL's comparison; undefined when this op or value is SQL's alone. */
function factLeaf(
  node: TraitCondition,
  facts: AsOfFacts,
  settings: AudienceSettings,
): ((trigger: AsOfTrigger) => Test) | undefined {
  const field = resolveField(node.field);
  if (typeof field === 'string') return undefined;
  const { op, value } = node;
  const timestamp = TIMESTAMP_FACTS[node.field as keyof typeof TIMESTAMP_FACTS];
  if (timestamp && (op === 'exists' || op === 'not_exists')) {
    const times = facts[timestamp];
    return () => (i) => Number.isNaN(times[i]!) === (op === 'not_exists');
  }
  const since = DAYS_SINCE_FACTS[node.field as keyof typeof DAYS_SINCE_FACTS];
  if (since) {
    const times = facts[since];
    if (op === 'exists' || op === 'not_exists')
      return () => (i) => Number.isNaN(times[i]!) === (op === 'not_exists');
    // The compiler's `daysSinceRange`: "days since ≥ n" is "time ≤ now − n days", for whole n only.
    if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
    const n = value;
    const atMost = (t: AsOfTrigger, days: number, i: number) => times[i]! <= t.nowMs - days * DAY_MS;
    const after = (t: AsOfTrigger, days: number, i: number) => times[i]! > t.nowMs - days * DAY_MS;
    switch (op) {
      case 'gte':
        return (t) => (i) => atMost(t, n, i);
      case 'gt':
        return (t) => (i) => atMost(t, n + 1, i);
      case 'lt':
        return (t) => (i) => after(t, n, i);
      case 'lte':
        return (t) => (i) => after(t, n + 1, i);
      case 'eq':
        return (t) => (i) => atMost(t, n, i) && after(t, n + 1, i);
      default:
        return undefined;
    }
  }
  if (node.field === 'facts.dormancyStage' && (op === 'eq' || op === 'in')) {
    // The compiler's `dormancyStageRangeSql`: the same stage boundaries as `dormancyStageOf`.
    const stages = new Set((Array.isArray(value) ? value : [value]).map(String));
    const times = facts.lastActivityMs;
    const now = new Date(0);
    return (t) => (i) => {
      const last = times[i]!;
      now.setTime(t.nowMs);
      const stage: DormancyStage = Number.isNaN(last)
        ? 'never_active'
        : dormancyStageOf(new Date(last), now, settings);
      return stages.has(stage);
    };
  }
  const measure =
    node.field === 'facts.purchaseCount'
      ? (i: number) => facts.purchases[i]!
      : node.field === 'facts.totalSpend'
        ? (i: number) => facts.spendCents[i]! / 100
        : undefined;
  if (!measure) return undefined;
  if (op === 'exists') return () => () => true;
  if (op === 'not_exists') return () => () => false;
  const values = (Array.isArray(value) ? value : [value]).map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) return undefined;
  const [v] = values as [number];
  switch (op) {
    case 'eq':
      return () => (i) => measure(i) === v;
    case 'neq':
      return () => (i) => measure(i) !== v;
    case 'gt':
      return () => (i) => measure(i) > v;
    case 'gte':
      return () => (i) => measure(i) >= v;
    case 'lt':
      return () => (i) => measure(i) < v;
    case 'lte':
      return () => (i) => measure(i) <= v;
    case 'in':
      return () => (i) => values.includes(measure(i));
    default:
      return undefined;
  }
}

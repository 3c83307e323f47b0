/**
 * Compiles a condition tree to ONE SQL boolean expression over the `customers` row, built with drizzle's `sql`
 * template: field names resolve to known columns or expressions, every user value is a bound parameter.
 * The same expression serves segment counts (over a workspace) and journey branches (restricted to one customer).
 *
 * The tree is checked first (`checkCondition`); compile assumes a valid tree and referenced segments already
 * loaded, so it is pure and synchronous.
 */
import { sql, type SQL } from 'drizzle-orm';
import { customers } from '@wakeflow/db';
import { durationToMs, type Condition, type EventCondition, type TraitCondition } from '@wakeflow/journey';
import { dormancyStageRangeSql, type DormancyStage } from '../facts/dormancy';
import type { AudienceSettings } from '../settings';
import { compareJson, jsonAt, propertyFiltersSql } from '../sql/json';
import { resolveField, type FieldDef } from './fields';

export interface CompileContext {
  workspaceId: string;
  /** ISO instant the condition is evaluated at. */
  now: string;
  /** ISO instant the customer entered the journey; required for `since_entry` windows. */
  enteredAt?: string;
  settings: AudienceSettings;
  /** Definitions of every segment the tree refers to, directly or through other segments. */
  segments: ReadonlyMap<string, Condition>;
}

const c = customers;
type Scalar = string | number | boolean;

const comparators = { eq: sql`=`, gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` } as const;

function castParam(def: FieldDef, value: Scalar): SQL {
  switch (def.type) {
    case 'number':
      return sql`${Number(value)}::numeric`;
    case 'timestamp':
      return sql`${String(value)}::timestamptz`;
    case 'date':
      return sql`${String(value)}::date`;
    case 'boolean':
      return sql`${value === true || value === 'true'}::boolean`;
    default:
      return sql`${String(value)}::text`;
  }
}

/** "Days since X ≥ n" as "X ≤ now − n days": a range the (workspace, X) indexes answer. Integer n only. */
function daysSinceRange(column: SQL, op: TraitCondition['op'], n: number, now: string): SQL | undefined {
  if (!Number.isInteger(n)) return undefined;
  const cut = (days: number) => sql`(${now}::timestamptz - make_interval(days => ${days}))`;
  switch (op) {
    case 'gte':
      return sql`${column} <= ${cut(n)}`;
    case 'gt':
      return sql`${column} <= ${cut(n + 1)}`;
    case 'lt':
      return sql`${column} > ${cut(n)}`;
    case 'lte':
      return sql`${column} > ${cut(n + 1)}`;
    case 'eq':
      return sql`(${column} <= ${cut(n)} and ${column} > ${cut(n + 1)})`;
    default:
      return undefined;
  }
}

function knownField(name: string, def: FieldDef, cond: TraitCondition, ctx: CompileContext): SQL {
  const { op, value } = cond;
  const scalar = value as Scalar;
  if (def.daysSince && typeof value === 'number') {
    const range = daysSinceRange(def.daysSince, op, value, ctx.now);
    if (range) return range;
  }
  if (name === 'facts.dormancyStage' && (op === 'eq' || op === 'in')) {
    const stages = (Array.isArray(value) ? value : [value]) as DormancyStage[];
    return sql`(${sql.join(
      stages.map((s) => dormancyStageRangeSql(s, ctx.now, ctx.settings)),
      sql` or `,
    )})`;
  }
  const expr = def.expr({ now: ctx.now, settings: ctx.settings });
  switch (op) {
    case 'exists':
      return sql`${expr} is not null`;
    case 'not_exists':
      return sql`${expr} is null`;
    case 'neq':
      return sql`${expr} is distinct from ${castParam(def, scalar)}`;
    case 'contains':
      return sql`strpos(${expr}::text, ${String(scalar)}) > 0`;
    case 'in': {
      const list = (Array.isArray(value) ? value : [value]) as Scalar[];
      return sql`${expr} in (${sql.join(
        list.map((v) => castParam(def, v)),
        sql`, `,
      )})`;
    }
    default:
      return sql`${expr} ${comparators[op]} ${castParam(def, scalar)}`;
  }
}

function traitField(path: string, cond: TraitCondition): SQL {
  return compareJson(jsonAt(sql`${c.traits}`, path), cond.op, cond.value);
}

function windowStart(cond: EventCondition, ctx: CompileContext): SQL | undefined {
  switch (cond.window.type) {
    case 'ever':
      return undefined;
    case 'since_entry':
      return sql`ev.occurred_at >= ${ctx.enteredAt ?? ctx.now}::timestamptz`;
    case 'last':
      return sql`ev.occurred_at > ${ctx.now}::timestamptz - ${durationToMs(cond.window.duration)} * interval '1 millisecond'`;
  }
}

/**
 * Which events of the `events` row `ev` an event condition counts, whoever and whenever: its name and property
 * filters. A backtest selects it per event to count in memory (backtest/as-of-trigger.ts).
 */
export function eventMatchSql(cond: EventCondition): SQL {
  const filters = propertyFiltersSql(sql`ev.properties`, cond.filters);
  return filters ? sql`ev.name = ${cond.event} and ${filters}` : sql`ev.name = ${cond.event}`;
}

/**
 * Counts are capped at value + 1 (`limit`), which decides every comparison with `value` and stops counting early;
 * "happened" and "did not happen" become EXISTS / NOT EXISTS on the (customer, name, time) index.
 */
function eventCount(cond: EventCondition, ctx: CompileContext): SQL {
  const parts = [
    sql`ev.customer_id = ${c.id}`,
    eventMatchSql(cond),
    sql`ev.occurred_at <= ${ctx.now}::timestamptz`,
    windowStart(cond, ctx),
  ].filter((p): p is SQL => p !== undefined);
  const where = sql.join(parts, sql` and `);
  const { op, value } = cond.count;
  const happened =
    (op === 'gte' && value === 1) || (op === 'gt' && value === 0) || (op === 'neq' && value === 0);
  const never = (op === 'eq' && value === 0) || (op === 'lt' && value === 1) || (op === 'lte' && value === 0);
  if (happened) return sql`exists (select 1 from events ev where ${where})`;
  if (never) return sql`not exists (select 1 from events ev where ${where})`;
  const symbol = op === 'neq' ? sql`<>` : comparators[op];
  return sql`(select count(*) from (select 1 from events ev where ${where} limit ${value + 1}) capped) ${symbol} ${value}`;
}

/**
 * Compiled in negation normal form: NOT is pushed down to the leaves (De Morgan), and only a negated leaf is
 * wrapped as `not coalesce(leaf, false)`. A positive leaf stays a plain predicate such as
 * `value_tier = 'high'`, so the planner can use indexes; its NULL (missing value) already acts as false under
 * AND / OR in a WHERE clause. Negated leaves must not be NULL, or "not (city = 'Berlin')" would drop customers
 * without a city.
 */
export function compileCondition(condition: Condition, ctx: CompileContext): SQL {
  const leaf = (expr: SQL, negated: boolean): SQL =>
    negated ? sql`not coalesce((${expr}), false)` : sql`(${expr})`;
  const compile = (node: Condition, negated: boolean, segmentStack: readonly string[]): SQL => {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const conjunction = (node.kind === 'and') !== negated;
        return sql`(${sql.join(
          node.conditions.map((child) => compile(child, negated, segmentStack)),
          conjunction ? sql` and ` : sql` or `,
        )})`;
      }
      case 'not':
        return compile(node.condition, !negated, segmentStack);
      case 'tag':
        return leaf(sql`${node.tag} = any(${c.tags})`, node.has === negated);
      case 'segment': {
        const definition = ctx.segments.get(node.segmentId);
        if (!definition || segmentStack.includes(node.segmentId)) {
          // checkCondition reports these; compiling anyway must not loop or widen the audience.
          throw new Error(`Segment ${node.segmentId} is unknown or refers to itself`);
        }
        return compile(definition, node.member === negated, [...segmentStack, node.segmentId]);
      }
      case 'event':
        return leaf(eventCount(node, ctx), negated);
      case 'trait': {
        const field = resolveField(node.field);
        if (typeof field === 'string') throw new Error(field);
        return leaf(
          field.kind === 'trait'
            ? traitField(field.path, node)
            : knownField(field.name, field.def, node, ctx),
          negated,
        );
      }
    }
  };
  return compile(condition, false, []);
}

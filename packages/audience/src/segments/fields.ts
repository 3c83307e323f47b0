/**
 * The fields a trait condition can name: profile columns (`email`, `timezone`), derived facts (`facts.<name>`) and
 * free traits (`traits.<path>`). Each known field has a type, which decides the operators and values it accepts
 * and how its value parameter is cast. Also the list the segment builder offers (`listConditionFields`).
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { customers } from '@wakeflow/db';
import { dormancyStages, dormancyStageSql } from '../facts/dormancy';
import type { AudienceSettings } from '../settings';

export type FieldType = 'text' | 'number' | 'timestamp' | 'date' | 'boolean' | 'enum';

export interface FieldContext {
  /** ISO instant the condition is evaluated at. */
  now: string;
  settings: AudienceSettings;
}

export interface FieldDef {
  type: FieldType;
  label: string;
  /** For enums: the allowed values. */
  values?: readonly string[];
  expr(ctx: FieldContext): SQL;
  /** A timestamp this "days since" field counts from: lets `gte 30` become an index range on the timestamp. */
  daysSince?: SQL;
}

const c = customers;
const localNow = (ctx: FieldContext) => sql`(${ctx.now}::timestamptz at time zone ${c.timezone})`;

const col = (type: FieldType, label: string, column: SQLWrapper): FieldDef => ({
  type,
  label,
  expr: () => sql`${column}`,
});

const daysSince = (label: string, column: SQLWrapper): FieldDef => ({
  type: 'number',
  label,
  daysSince: sql`${column}`,
  expr: (ctx) => sql`floor(extract(epoch from (${ctx.now}::timestamptz - ${column})) / 86400)`,
});

export const profileFields: Record<string, FieldDef> = {
  externalId: col('text', 'External id', c.externalId),
  email: col('text', 'Email', c.email),
  phone: col('text', 'Phone', c.phone),
  pushToken: col('text', 'Push token', c.pushToken),
  timezone: col('text', 'Time zone', c.timezone),
  birthday: col('date', 'Birthday', c.birthday),
  firstName: col('text', 'First name', c.firstName),
  lastName: col('text', 'Last name', c.lastName),
  signedUpAt: col('timestamp', 'Signed up at', c.signedUpAt),
  createdAt: col('timestamp', 'Created at', c.createdAt),
  'consent.email': {
    type: 'boolean',
    label: 'Email consent',
    expr: () => sql`coalesce((${c.consent}->>'email')::boolean, false)`,
  },
  'consent.sms': {
    type: 'boolean',
    label: 'SMS consent',
    expr: () => sql`coalesce((${c.consent}->>'sms')::boolean, false)`,
  },
  'consent.push': {
    type: 'boolean',
    label: 'Push consent',
    expr: () => sql`coalesce((${c.consent}->>'push')::boolean, false)`,
  },
};

/** Consecutive 30-day periods, counting back from now, with (or without) activity; at most 24. */
function monthsInRow(active: boolean): FieldDef['expr'] {
  return (ctx) => sql`(select coalesce(min(b), 24) from generate_series(0, 23) as b
    where ${active ? sql`not` : sql``} exists (
      select 1 from customer_daily_activity d
      where d.customer_id = ${c.id} and d.activity_count > 0
        and d.day > (${ctx.now}::timestamptz at time zone 'UTC')::date - (b + 1) * 30
        and d.day <= (${ctx.now}::timestamptz at time zone 'UTC')::date - b * 30))`;
}

export const factFields: Record<string, FieldDef> = {
  lastActivityAt: col('timestamp', 'Last activity', c.lastActivityAt),
  lastLoginAt: col('timestamp', 'Last login', c.lastLoginAt),
  lastPurchaseAt: col('timestamp', 'Last purchase', c.lastPurchaseAt),
  daysSinceLastActivity: daysSince('Days since last activity', c.lastActivityAt),
  daysSinceLastLogin: daysSince('Days since last login', c.lastLoginAt),
  daysSinceLastPurchase: daysSince('Days since last purchase', c.lastPurchaseAt),
  purchaseCount: col('number', 'Purchases (lifetime)', c.purchaseCount),
  totalSpend: col('number', 'Spend (lifetime)', c.totalSpend),
  rfmRecency: col('number', 'RFM recency score (1–5)', c.rfmRecency),
  rfmFrequency: col('number', 'RFM frequency score (1–5)', c.rfmFrequency),
  rfmMonetary: col('number', 'RFM monetary score (1–5)', c.rfmMonetary),
  rfmScore: {
    type: 'number',
    label: 'RFM total (3–15)',
    expr: () => sql`(${c.rfmRecency} + ${c.rfmFrequency} + ${c.rfmMonetary})`,
  },
  valueTier: {
    type: 'enum',
    label: 'Value tier',
    values: ['high', 'mid', 'low'],
    expr: () => sql`${c.valueTier}`,
  },
  dormancyStage: {
    type: 'enum',
    label: 'Dormancy stage',
    values: dormancyStages,
    expr: (ctx) => dormancyStageSql(ctx.now, ctx.settings),
  },
  activeMonthsInRow: {
    type: 'number',
    label: 'Active months in a row (30-day periods)',
    expr: monthsInRow(true),
  },
  inactiveMonthsInRow: {
    type: 'number',
    label: 'Inactive months in a row (30-day periods)',
    expr: monthsInRow(false),
  },
  birthdayMonth: {
    type: 'number',
    label: 'Birthday month (1–12)',
    expr: () => sql`extract(month from ${c.birthday})::int`,
  },
  isBirthdayMonth: {
    type: 'boolean',
    label: 'Birthday this month (customer time zone)',
    expr: (ctx) =>
      sql`coalesce(extract(month from ${c.birthday}) = extract(month from ${localNow(ctx)}), false)`,
  },
  isBirthday: {
    type: 'boolean',
    label: 'Birthday today (customer time zone)',
    expr: (ctx) => sql`coalesce(to_char(${c.birthday}, 'MM-DD') = to_char(${localNow(ctx)}, 'MM-DD'), false)`,
  },
  isSignupAnniversary: {
    type: 'boolean',
    label: 'Sign-up anniversary today (customer time zone)',
    expr: (ctx) => sql`coalesce(
      to_char(${c.signedUpAt} at time zone ${c.timezone}, 'MM-DD') = to_char(${localNow(ctx)}, 'MM-DD')
      and ${localNow(ctx)}::date >= (${c.signedUpAt} at time zone ${c.timezone})::date + interval '1 year', false)`,
  },
  yearsSinceSignup: {
    type: 'number',
    label: 'Whole years since sign-up',
    expr: (ctx) =>
      sql`extract(year from age(${localNow(ctx)}, ${c.signedUpAt} at time zone ${c.timezone}))::int`,
  },
  localDate: {
    type: 'text',
    label: 'Today in the customer time zone (MM-DD), for fixed holidays',
    expr: (ctx) => sql`to_char(${localNow(ctx)}, 'MM-DD')`,
  },
  // Churn risk and predicted value from the workspace's last churn-model refit (analytics; S-ID-7, S-ID-4).
  pAlive: prediction('P(active) from the churn model (0–1)', 'p_alive'),
  expectedPurchases: prediction('Expected purchases in the churn model’s horizon', 'expected_purchases'),
  predictedClv: prediction('Predicted CLV over the churn model’s horizon', 'predicted_clv'),
  predictedClvTopPercent: prediction(
    'Predicted CLV rank: in the top N% of the workspace (≤ 20 = top 20%)',
    'predicted_clv_top_percent',
  ),
  // Why a dormant customer went quiet (analytics' dormancy rules, S-ID-6); none while active.
  dormancyReason: {
    type: 'enum',
    label: 'Dormancy reason',
    values: ['bad_experience', 'need_gone', 'natural_decay', 'unknown'],
    expr: () => sql`(select r.reason from customer_dormancy_reasons r where r.customer_id = ${c.id})`,
  },
};

/** A column of the customer's row in `customer_predictions` (none before the first refit that saw them buy). */
function prediction(label: string, column: string): FieldDef {
  return {
    type: 'number',
    label,
    expr: () =>
      sql`(select p.${sql.identifier(column)} from customer_predictions p where p.customer_id = ${c.id})`,
  };
}

/** `purchases_90d`, `spend_90d`, `logins_30d`, `activeDays_30d`: sums over the daily rollup. */
const WINDOWED = /^(purchases|spend|logins|activeDays)_(\d{1,4})d$/;

function windowedFact(name: string): FieldDef | undefined {
  const m = name.match(WINDOWED);
  if (!m) return undefined;
  const kind = m[1] as 'purchases' | 'spend' | 'logins' | 'activeDays';
  const days = Number(m[2]);
  if (days < 1 || days > 3660) return undefined;
  const measure = {
    purchases: sql`sum(d.purchase_count)`,
    spend: sql`sum(d.spend)`,
    logins: sql`sum(d.login_count)`,
    activeDays: sql`count(*) filter (where d.activity_count > 0)`,
  }[kind];
  return {
    type: 'number',
    label: `${kind} in the last ${days} days`,
    // Day granularity (UTC days): the window is today and the previous days-1 days.
    expr: (ctx) => sql`(select coalesce(${measure}, 0) from customer_daily_activity d
      where d.customer_id = ${c.id} and d.day > (${ctx.now}::timestamptz at time zone 'UTC')::date - ${days}::int)`,
  };
}

/**
 * Trends against the previous window (S-ID-7), in UTC days like the windowed facts: `logins_30d` is the last 30
 * days, `loginsPrev_30d` the 30 days before those, `loginsChange_30d` the change in % (last against previous; none
 * when the previous window is 0). The same for purchases, spend and activeDays; `browseDepth_30d` is the mean of the
 * numeric event property `browseDepth` over the customer's events in the window (Prev, Change likewise; a customer
 * who browsed in the previous window and not in the last counts as depth 0, i.e. −100%).
 * "Login frequency down 50% and browse depth down 30%": `loginsChange_30d ≤ −50 and browseDepthChange_30d ≤ −30`.
 */
const TREND = /^(purchases|spend|logins|activeDays|browseDepth)(Prev|Change)?_(\d{1,4})d$/;
const trendKinds = ['logins', 'purchases', 'spend', 'activeDays', 'browseDepth'] as const;

function trendFact(name: string): FieldDef | undefined {
  const m = name.match(TREND);
  if (!m) return undefined;
  const kind = m[1] as (typeof trendKinds)[number];
  const part = (m[2] ?? 'Last') as 'Last' | 'Prev' | 'Change';
  const days = Number(m[3]);
  if (days < 1 || days > 1830 || (part === 'Last' && kind !== 'browseDepth')) return undefined;
  const today = (ctx: FieldContext) => sql`(${ctx.now}::timestamptz at time zone 'UTC')::date`;
  const label = {
    Last: `${kind} in the last ${days} days`,
    Prev: `${kind} in the ${days} days before the last ${days}`,
    Change: `${kind}: change in % of the last ${days} days against the ${days} before`,
  }[part];
  const pick = (last: SQL, prev: SQL): SQL =>
    ({
      Last: last,
      Prev: prev,
      Change: sql`case when ${prev} > 0 then 100.0 * (coalesce(${last}, 0) - ${prev}) / ${prev} end`,
    })[part];
  if (kind === 'browseDepth') {
    // Midnight UTC starting the last window, and the previous one.
    const start = (ctx: FieldContext, back: number) =>
      sql`((${today(ctx)} - ${back}::int)::timestamp at time zone 'UTC')`;
    const depth = sql`(ev.properties->>'browseDepth')::numeric`;
    return {
      type: 'number',
      label: label.replace('browseDepth', 'browse depth (mean)'),
      expr: (ctx) => sql`(select ${pick(sql`w.last`, sql`w.prev`)} from (
        select avg(${depth}) filter (where ev.occurred_at >= ${start(ctx, days - 1)}) as last,
               avg(${depth}) filter (where ev.occurred_at < ${start(ctx, days - 1)}) as prev
        from events ev
        where ev.customer_id = ${c.id} and ev.occurred_at >= ${start(ctx, 2 * days - 1)} and ev.occurred_at <= ${ctx.now}::timestamptz
          and jsonb_typeof(ev.properties->'browseDepth') = 'number') w)`,
    };
  }
  const measure = (inWindow: SQL) =>
    ({
      purchases: sql`coalesce(sum(d.purchase_count) filter (where ${inWindow}), 0)`,
      spend: sql`coalesce(sum(d.spend) filter (where ${inWindow}), 0)`,
      logins: sql`coalesce(sum(d.login_count) filter (where ${inWindow}), 0)`,
      activeDays: sql`count(*) filter (where d.activity_count > 0 and ${inWindow})`,
    })[kind];
  return {
    type: 'number',
    label,
    expr: (ctx) => sql`(select ${pick(sql`w.last`, sql`w.prev`)} from (
      select ${measure(sql`d.day > ${today(ctx)} - ${days}::int`)} as last, ${measure(sql`d.day <= ${today(ctx)} - ${days}::int`)} as prev
      from customer_daily_activity d
      where d.customer_id = ${c.id} and d.day > ${today(ctx)} - ${2 * days}::int) w)`,
  };
}

export type ResolvedField = { kind: 'known'; name: string; def: FieldDef } | { kind: 'trait'; path: string };

const TRAIT_PATH = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;

export function resolveField(field: string): ResolvedField | string {
  if (field.startsWith('traits.')) {
    const path = field.slice('traits.'.length);
    return TRAIT_PATH.test(path) ? { kind: 'trait', path } : 'Use a dot path like traits.city';
  }
  if (field.startsWith('facts.')) {
    const name = field.slice('facts.'.length);
    const def = factFields[name] ?? windowedFact(name) ?? trendFact(name);
    return def ? { kind: 'known', name: field, def } : `Unknown fact “${name}”`;
  }
  const def = profileFields[field];
  return def
    ? { kind: 'known', name: field, def }
    : `Unknown field “${field}” (use a profile field, facts.<name> or traits.<path>)`;
}

export interface ConditionFieldInfo {
  field: string;
  label: string;
  type: FieldType;
  values?: readonly string[];
}

/** What the segment builder offers: profile fields, facts (windowed ones for the workspace's windows), traits. */
export function listConditionFields(settings: AudienceSettings): ConditionFieldInfo[] {
  const info = (prefix: string, defs: Record<string, FieldDef>) =>
    Object.entries(defs).map(([name, d]) => ({
      field: `${prefix}${name}`,
      label: d.label,
      type: d.type,
      ...(d.values ? { values: d.values } : {}),
    }));
  const windowed = settings.windowsDays.flatMap((days) =>
    (['purchases', 'spend', 'logins', 'activeDays'] as const).map((kind) => {
      const def = windowedFact(`${kind}_${days}d`);
      return { field: `facts.${kind}_${days}d`, label: def?.label ?? kind, type: 'number' as const };
    }),
  );
  const trends = settings.windowsDays.flatMap((days) =>
    trendKinds.flatMap((kind) =>
      (kind === 'browseDepth' ? ['', 'Prev', 'Change'] : ['Prev', 'Change']).map((part) => {
        const field = `${kind}${part}_${days}d`;
        return { field: `facts.${field}`, label: trendFact(field)?.label ?? field, type: 'number' as const };
      }),
    ),
  );
  return [...info('', profileFields), ...info('facts.', factFields), ...windowed, ...trends];
}

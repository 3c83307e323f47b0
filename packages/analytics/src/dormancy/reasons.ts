/**
 * Dormancy reasons (DOMAIN S-ID-6): a reason tag per dormant customer from configurable rules over their signals,
 * first match wins —
 *   1. bad_experience: a complaint event in the look-back before they went quiet with no resolution event after it;
 *   2. need_gone: their main purchase category has a life span (baby products: ~3 years) that has run out since
 *      their first purchase in it;
 *   3. natural_decay: activity fell window by window (each of the last `windows` periods before the last activity
 *      lower than the one before, and the last at most (1 − minDecline) of the first);
 *   4. unknown.
 * Computed set-based in SQL on a schedule (the stage depends on the clock), stored in customer_dormancy_reasons for
 * segments (`facts.dormancyReason`). Rules live under `workspaces.settings.dormancyReasons`.
 */
import { eq, sql } from 'drizzle-orm';
import {
  dormancyReasonRulesSchema,
  type DormancyReasonRules,
  type DormancyReasonRulesInput,
} from '@wakeflow/contracts';
import { workspaces, type Database } from '@wakeflow/db';
import { loadAudienceSettings } from '@wakeflow/audience';

// The rules' schema is the HTTP contract's (`PUT /api/analytics/dormancy-rules`); this module applies it.
export { dormancyReasonRulesSchema, type DormancyReasonRules, type DormancyReasonRulesInput };

export async function loadDormancyRules(db: Database, workspaceId: string): Promise<DormancyReasonRules> {
  const [row] = await db
    .select({ settings: workspaces.settings })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const parsed = dormancyReasonRulesSchema.safeParse(row?.settings?.dormancyReasons ?? {});
  return parsed.success ? parsed.data : dormancyReasonRulesSchema.parse({});
}

export async function saveDormancyRules(
  db: Database,
  workspaceId: string,
  input: DormancyReasonRulesInput,
): Promise<DormancyReasonRules> {
  const rules = dormancyReasonRulesSchema.parse(input);
  await db
    .update(workspaces)
    .set({
      settings: sql`${workspaces.settings} || jsonb_build_object('dormancyReasons', ${JSON.stringify(rules)}::jsonb)`,
    })
    .where(eq(workspaces.id, workspaceId));
  return rules;
}

/** A text[] parameter: drizzle would spread a JavaScript array into separate parameters. */
const textArray = (list: readonly string[]) =>
  sql`array(select jsonb_array_elements_text(${JSON.stringify(list)}::jsonb))`;

export interface DormancyReasonCounts {
  bad_experience: number;
  need_gone: number;
  natural_decay: number;
  unknown: number;
}

/** Recomputes the reason of every dormant customer of the workspace; customers no longer dormant lose theirs. */
export async function computeDormancyReasons(
  db: Database,
  workspaceId: string,
  now = new Date(),
): Promise<DormancyReasonCounts> {
  const rules = await loadDormancyRules(db, workspaceId);
  const audience = await loadAudienceSettings(db, workspaceId);
  const at = now.toISOString();
  const lifespans = JSON.stringify(rules.needGone.lifespanDays);
  const { windowDays, windows, minDecline } = rules.naturalDecay;
  const bad = rules.badExperience;
  const result = await db.execute<{ reason: keyof DormancyReasonCounts; n: string }>(sql`
    with dormant as (
      select c.id, c.last_activity_at from customers c
      where c.workspace_id = ${workspaceId} and c.last_activity_at <= ${at}::timestamptz - make_interval(days => ${rules.dormantAfterDays})
    ),
    complaints as (
      select d.id,
        max(e.occurred_at) filter (where e.name = any(${textArray(bad.events)})) as last_complaint,
        max(e.occurred_at) filter (where e.name = any(${textArray(bad.resolvedEvents)})) as last_resolved
      from dormant d
      join events e on e.customer_id = d.id and e.name = any(${textArray([...bad.events, ...bad.resolvedEvents])})
        and e.occurred_at > d.last_activity_at - make_interval(days => ${bad.lookbackDays})
      group by d.id
    ),
    categories as (
      select d.id, e.properties->>${rules.needGone.categoryProperty} as category, count(*) as n, min(e.occurred_at) as first_at
      from dormant d
      join events e on e.customer_id = d.id and e.name = any(${textArray(audience.purchaseEvents)})
      where e.properties ? ${rules.needGone.categoryProperty}
      group by 1, 2
    ),
    main_category as (
      select distinct on (id) id, category, first_at from categories order by id, n desc, first_at
    ),
    activity as (
      select d.id, b.i, coalesce(sum(a.activity_count), 0) as n
      from dormant d
      cross join generate_series(0, ${windows - 1}::int) as b(i)
      left join customer_daily_activity a on a.customer_id = d.id
        and a.day <= (d.last_activity_at at time zone 'UTC')::date - b.i * ${windowDays}::int
        and a.day > (d.last_activity_at at time zone 'UTC')::date - (b.i + 1) * ${windowDays}::int
      group by d.id, b.i
    ),
    decay as (
      -- Window 0 is the latest. Declining: every window below the one before it, and the latest small enough.
      select id, array_agg(n order by i desc) as counts,
        bool_and(n < coalesce(prev, n + 1)) and min(n) filter (where i = 0) <= (1 - ${minDecline}::float8) * max(n) filter (where i = ${windows - 1}::int)
          and max(n) filter (where i = ${windows - 1}::int) > 0 as declining
      from (select id, i, n, lead(n) over (partition by id order by i) as prev from activity) w
      group by id
    ),
    decided as (
      select d.id,
        case
          when c.last_complaint is not null and (c.last_resolved is null or c.last_resolved < c.last_complaint) then 'bad_experience'
          when m.category is not null and (${lifespans}::jsonb ? m.category)
            and m.first_at + make_interval(days => (${lifespans}::jsonb ->> m.category)::int) <= ${at}::timestamptz then 'need_gone'
          when k.declining then 'natural_decay'
          else 'unknown'
        end as reason,
        jsonb_strip_nulls(jsonb_build_object('lastComplaintAt', c.last_complaint, 'lastResolvedAt', c.last_resolved, 'mainCategory', m.category,
          'firstPurchaseInCategoryAt', m.first_at, 'activityByWindow', to_jsonb(k.counts), 'lastActivityAt', d.last_activity_at)) as evidence
      from dormant d
      left join complaints c on c.id = d.id
      left join main_category m on m.id = d.id
      left join decay k on k.id = d.id
    ),
    cleared as (
      delete from customer_dormancy_reasons r where r.workspace_id = ${workspaceId} and not exists (select 1 from dormant d where d.id = r.customer_id)
    ),
    stored as (
      insert into customer_dormancy_reasons as r (customer_id, workspace_id, reason, evidence, computed_at)
      select id, ${workspaceId}, reason, evidence, ${at}::timestamptz from decided
      on conflict (customer_id) do update set reason = excluded.reason, evidence = excluded.evidence, computed_at = excluded.computed_at
      returning reason
    )
    select reason, count(*)::text as n from stored group by reason`);
  const counts: DormancyReasonCounts = { bad_experience: 0, need_gone: 0, natural_decay: 0, unknown: 0 };
  for (const row of result.rows) counts[row.reason] = Number(row.n);
  return counts;
}

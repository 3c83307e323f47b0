/**
 * What the customers page shows: search, one customer's profile (typed fields, traits, derived facts with
 * rolling windows), their timeline of events and messages, and the journeys they are in.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { customers, journeys, runs, type Database } from '@wakeflow/db';
import { dormancyStageOf, type DormancyStage } from '../facts/dormancy';
import { loadAudienceSettings } from '../settings';
import { toSummary, type CustomerSummary } from '../segments/query';

export async function searchCustomers(
  db: Database,
  workspaceId: string,
  options: { q?: string; limit?: number; after?: string } = {},
): Promise<{ customers: CustomerSummary[]; next: string | null }> {
  const limit = Math.min(options.limit ?? 50, 200);
  const q = options.q?.trim();
  // LIKE wildcards in the search text are matched literally.
  const pattern = q ? `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : undefined;
  const match = pattern
    ? sql`and (external_id ilike ${pattern} or email ilike ${pattern} or phone ilike ${pattern}
          or (coalesce(first_name, '') || ' ' || coalesce(last_name, '')) ilike ${pattern})`
    : sql``;
  const after = options.after ? sql`and id > ${options.after}::uuid` : sql``;
  const rows = await db.execute<Parameters<typeof toSummary>[0]>(sql`
    select id, external_id, email, first_name, last_name, last_activity_at, value_tier from customers
    where workspace_id = ${workspaceId} ${match} ${after}
    order by id limit ${limit + 1}`);
  const page = rows.rows.slice(0, limit).map(toSummary);
  return { customers: page, next: rows.rows.length > limit ? (page[page.length - 1]?.id ?? null) : null };
}

export interface WindowFacts {
  days: number;
  purchases: number;
  spend: number;
  logins: number;
  activeDays: number;
}

export interface CustomerFacts {
  lastActivityAt: string | null;
  lastLoginAt: string | null;
  lastPurchaseAt: string | null;
  purchaseCount: number;
  totalSpend: number;
  rfm: { recency: number; frequency: number; monetary: number } | null;
  valueTier: 'high' | 'mid' | 'low' | null;
  dormancyStage: DormancyStage;
  windows: WindowFacts[];
}

export type TimelineItem =
  | { kind: 'event'; at: string; eventId: string; name: string; properties: Record<string, unknown> }
  | {
      kind: 'message';
      at: string;
      messageId: string;
      channel: string;
      status: string;
      templateId: string | null;
      journeyId: string | null;
      subject: string | null;
    };

export interface CustomerProfile {
  id: string;
  externalId: string;
  email: string | null;
  phone: string | null;
  timezone: string;
  birthday: string | null;
  firstName: string | null;
  lastName: string | null;
  signedUpAt: string | null;
  consent: Record<string, boolean | undefined>;
  traits: Record<string, unknown>;
  tags: string[];
  facts: CustomerFacts;
  timeline: TimelineItem[];
  journeys: {
    runId: string;
    journeyId: string;
    journeyName: string;
    version: number;
    entry: number;
    status: string;
    outcome: string | null;
    startedAt: string;
    endedAt: string | null;
    currentNodeId: string | null;
  }[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function getCustomerProfile(
  db: Database,
  workspaceId: string,
  customerId: string,
  options: { now?: Date; timelineLimit?: number } = {},
): Promise<CustomerProfile | null> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, customerId)));
  if (!row) return null;
  const settings = await loadAudienceSettings(db, workspaceId);
  const now = options.now ?? new Date();
  const limit = options.timelineLimit ?? 100;

  const windowSql = sql.join(
    settings.windowsDays.map(
      (
        days,
      ) => sql`select ${days}::int as days, coalesce(sum(purchase_count), 0)::int as purchases, coalesce(sum(spend), 0)::float8 as spend,
        coalesce(sum(login_count), 0)::int as logins, (count(*) filter (where activity_count > 0))::int as active_days
        from customer_daily_activity where customer_id = ${customerId}::uuid and day > (${now.toISOString()}::timestamptz at time zone 'UTC')::date - ${days}::int`,
    ),
    sql` union all `,
  );
  const [windows, timeline, journeyRuns] = await Promise.all([
    db.execute<{ days: number; purchases: number; spend: number; logins: number; active_days: number }>(
      windowSql,
    ),
    db.execute<{
      kind: 'event' | 'message';
      at: Date;
      id: string;
      name: string;
      properties: Record<string, unknown> | null;
      status: string | null;
      template_id: string | null;
      journey_id: string | null;
      subject: string | null;
    }>(sql`
      (select 'event' as kind, occurred_at as at, event_id as id, name, properties, null as status, null as template_id, null::uuid as journey_id, null as subject
         from events where workspace_id = ${workspaceId} and customer_id = ${customerId}::uuid order by occurred_at desc limit ${limit})
      union all
      (select 'message', created_at, id::text, channel, null, status, template_id, journey_id, subject
         from messages where workspace_id = ${workspaceId} and customer_id = ${customerId}::uuid order by created_at desc limit ${limit})
      order by at desc limit ${limit}`),
    db
      .select({
        runId: runs.id,
        journeyId: runs.journeyId,
        journeyName: journeys.name,
        version: runs.version,
        entry: runs.entry,
        status: runs.status,
        outcome: runs.outcome,
        startedAt: runs.startedAt,
        endedAt: runs.endedAt,
        currentNodeId: runs.currentNodeId,
      })
      .from(runs)
      .innerJoin(journeys, eq(journeys.id, runs.journeyId))
      .where(and(eq(runs.workspaceId, workspaceId), eq(runs.customerId, customerId)))
      .orderBy(desc(runs.startedAt))
      .limit(100),
  ]);

  const rfm =
    row.rfmRecency !== null && row.rfmFrequency !== null && row.rfmMonetary !== null
      ? { recency: row.rfmRecency, frequency: row.rfmFrequency, monetary: row.rfmMonetary }
      : null;
  return {
    id: row.id,
    externalId: row.externalId,
    email: row.email,
    phone: row.phone,
    timezone: row.timezone,
    birthday: row.birthday,
    firstName: row.firstName,
    lastName: row.lastName,
    signedUpAt: iso(row.signedUpAt),
    consent: row.consent,
    traits: row.traits,
    tags: row.tags,
    facts: {
      lastActivityAt: iso(row.lastActivityAt),
      lastLoginAt: iso(row.lastLoginAt),
      lastPurchaseAt: iso(row.lastPurchaseAt),
      purchaseCount: row.purchaseCount,
      totalSpend: Number(row.totalSpend),
      rfm,
      valueTier: row.valueTier,
      dormancyStage: dormancyStageOf(row.lastActivityAt, now, settings),
      windows: windows.rows.map((w) => ({
        days: w.days,
        purchases: w.purchases,
        spend: Number(w.spend),
        logins: w.logins,
        activeDays: w.active_days,
      })),
    },
    timeline: timeline.rows.map((t): TimelineItem =>
      t.kind === 'event'
        ? {
            kind: 'event',
            at: new Date(t.at).toISOString(),
            eventId: t.id,
            name: t.name,
            properties: t.properties ?? {},
          }
        : {
            kind: 'message',
            at: new Date(t.at).toISOString(),
            messageId: t.id,
            channel: t.name,
            status: t.status ?? 'pending',
            templateId: t.template_id,
            journeyId: t.journey_id,
            subject: t.subject,
          },
    ),
    journeys: journeyRuns.map((r) => ({
      ...r,
      startedAt: r.startedAt.toISOString(),
      endedAt: iso(r.endedAt),
    })),
  };
}

/**
 * Demo data for a first start: the canonical win-back journey published, its message templates and segment, and
 * a few hundred CDNOW customers with their real purchase history, value tiers, and daily dormancy-stage snapshots
 * reconstructed from that history so the dashboard's trend is not empty. Idempotent: a second run changes nothing.
 */
import { and, eq } from 'drizzle-orm';
import { fileURLToPath } from 'node:url';
import { journeys, publishJourneyDraft, segments, templates, type Database } from '@wakeflow/db';
import {
  backfillDormancyFromEvents,
  ingestEvents,
  recomputeRfm,
  snapshotDormancy,
  upsertCustomers,
} from '@wakeflow/audience';
import { canonicalWinBack, type NodeCatalog } from '@wakeflow/nodes';
import { ensureWorkspace } from '../workspaces';
import { demoFromCdnow, loadCdnowSample } from './cdnow';

export const CDNOW_SAMPLE_PATH = fileURLToPath(
  new URL('../../../../data/cdnow/CDNOW_sample.txt', import.meta.url),
);

const demoTemplates = [
  {
    id: 'return-gift-email',
    channel: 'email' as const,
    name: 'Return gift (email)',
    subject: '{{ customer.firstName | default: "Hi" }}, we saved a gift for you',
    body: 'We noticed you have been away. Come back this week and your return gift is waiting: 20 off your next order.',
    html: '<p>We noticed you have been away.</p><p>Come back this week and your <strong>return gift</strong> is waiting: 20 off your next order.</p>',
  },
  {
    id: 'return-gift-sms',
    channel: 'sms' as const,
    name: 'Return gift (SMS)',
    subject: null,
    body: 'We miss you! Your return gift (20 off) is waiting in your account this week.',
    html: null,
  },
  {
    id: 'second-wave-push',
    channel: 'push' as const,
    name: 'Second wave (push)',
    subject: 'Still thinking about it?',
    body: 'Your gift just got bigger: 50 off orders over 100, this week only.',
    html: null,
  },
  {
    id: 'second-wave-email',
    channel: 'email' as const,
    name: 'Stronger offer (email)',
    subject: 'A bigger welcome-back offer, just for you',
    body: 'Your gift just got bigger: 50 off orders over 100. It expires in 7 days.',
    html: '<p>Your gift just got bigger: <strong>50 off orders over 100</strong>.</p><p>It expires in 7 days.</p>',
  },
];

const noLogin30d = {
  id: 'no-login-30d',
  name: 'No login for 30 days',
  definition: {
    kind: 'and',
    conditions: [
      { kind: 'event', event: 'login', window: { type: 'ever' }, count: { op: 'gte', value: 1 } },
      {
        kind: 'event',
        event: 'login',
        window: { type: 'last', duration: { amount: 30, unit: 'days' } },
        count: { op: 'eq', value: 0 },
      },
    ],
  },
};

/**
 * The canonical win-back journey published, with its templates and trigger segment, in a workspace that already
 * has its customers and events (the demo's, or the audience benchmark's for a backtest at scale).
 */
export async function installCanonicalJourney(db: Database, catalog: NodeCatalog, workspaceId: string) {
  await db
    .insert(templates)
    .values(demoTemplates.map((t) => ({ ...t, workspaceId })))
    .onConflictDoNothing();
  await db
    .insert(segments)
    .values({ ...noLogin30d, workspaceId })
    .onConflictDoNothing();
  const [journey] = await db
    .insert(journeys)
    .values({
      workspaceId,
      name: canonicalWinBack.name,
      description: canonicalWinBack.description,
      draftGraph: canonicalWinBack.graph,
      draftSettings: canonicalWinBack.settings as Record<string, unknown>,
    })
    .returning({ id: journeys.id });
  const published = await publishJourneyDraft(db, catalog, {
    workspaceId,
    journeyId: journey!.id,
    publishedBy: 'demo',
  });
  return { journeyId: journey!.id, plan: published!.plan };
}

export async function seedDemo(input: {
  db: Database;
  catalog: NodeCatalog;
  workspaceId?: string;
  customers?: number;
  today?: Date;
  /** The CDNOW file to load (the sample by default; benchmarks load the master). */
  purchasesPath?: string;
}) {
  const { db, catalog } = input;
  const workspaceId = input.workspaceId ?? 'default';
  await ensureWorkspace(db, workspaceId);
  const [existing] = await db
    .select({ id: journeys.id })
    .from(journeys)
    .where(and(eq(journeys.workspaceId, workspaceId), eq(journeys.name, canonicalWinBack.name)));
  if (existing) return { seeded: false as const, journeyId: existing.id };

  const today = input.today ?? new Date();
  const demo = demoFromCdnow(await loadCdnowSample(input.purchasesPath ?? CDNOW_SAMPLE_PATH), {
    customers: input.customers ?? 300,
    today,
  });
  await upsertCustomers(db, workspaceId, demo.customers);
  for (let i = 0; i < demo.events.length; i += 5_000)
    await ingestEvents(db, workspaceId, demo.events.slice(i, i + 5_000));
  await recomputeRfm(db, workspaceId, { now: today });
  // Past days from the (date-shifted) history, then today from the customers table like the daily job does.
  const firstEvent = demo.events.reduce(
    (min, e) => (e.occurredAt < min ? e.occurredAt : min),
    today.toISOString(),
  );
  const yesterday = new Date(today.getTime() - 86_400_000).toISOString().slice(0, 10);
  if (firstEvent.slice(0, 10) <= yesterday)
    await backfillDormancyFromEvents(db, workspaceId, { from: firstEvent.slice(0, 10), to: yesterday });
  await snapshotDormancy(db, workspaceId, { now: today });

  const { journeyId, plan } = await installCanonicalJourney(db, catalog, workspaceId);
  return {
    seeded: true as const,
    journeyId,
    plan,
    customers: demo.customers.length,
    events: demo.events.length,
  };
}

/** Shared fixtures for the audience integration tests: a live audience-triggered journey, event builders. */
import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { customerDailyActivity, customers, journeys, journeyVersions, type Database } from '@wakeflow/db';
import type { EventInput, Reentry } from '@wakeflow/journey';

export async function createLiveAudienceJourney(
  db: Database,
  workspaceId: string,
  options: { segmentId: string; reentry?: Reentry; everyMinutes?: number },
): Promise<string> {
  const id = randomUUID();
  await db.insert(journeys).values({
    id,
    workspaceId,
    name: `audience ${options.segmentId}`,
    status: 'live',
    liveVersion: 1,
    draftGraph: {},
  });
  const trigger = {
    nodeId: 'trigger',
    type: 'audience_trigger',
    config: { segmentId: options.segmentId, everyMinutes: options.everyMinutes ?? 60 },
  };
  await db.insert(journeyVersions).values({
    workspaceId,
    journeyId: id,
    version: 1,
    graph: {},
    // Only the parts the sweep reads; the interpreter is not involved in these tests.
    plan: { trigger, settings: { reentry: options.reentry ?? { mode: 'once' } } },
    planHash: 'test',
    triggerType: 'audience_trigger',
  });
  return id;
}

let seq = 0;
export function event(
  customerExternalId: string,
  name: string,
  occurredAt: string,
  properties: Record<string, unknown> = {},
): EventInput {
  seq += 1;
  return { eventId: `e-${Date.now().toString(36)}-${seq}`, customerExternalId, name, occurredAt, properties };
}

export const daysAgo = (days: number, from = new Date()) =>
  new Date(from.getTime() - days * 86_400_000).toISOString();

/** Every customer's stored facts, by external id: what a facts rebuild must get right. */
export async function storedFactsOf(db: Database, workspaceId: string) {
  return db
    .select({
      externalId: customers.externalId,
      lastActivityAt: customers.lastActivityAt,
      lastLoginAt: customers.lastLoginAt,
      lastPurchaseAt: customers.lastPurchaseAt,
      purchaseCount: customers.purchaseCount,
      totalSpend: customers.totalSpend,
    })
    .from(customers)
    .where(eq(customers.workspaceId, workspaceId))
    .orderBy(asc(customers.externalId));
}

/** Every daily rollup row, by external id and day. */
export async function storedRollupOf(db: Database, workspaceId: string) {
  return db
    .select({
      externalId: customers.externalId,
      day: customerDailyActivity.day,
      activity: customerDailyActivity.activityCount,
      logins: customerDailyActivity.loginCount,
      purchases: customerDailyActivity.purchaseCount,
      spend: customerDailyActivity.spend,
    })
    .from(customerDailyActivity)
    .innerJoin(customers, eq(customers.id, customerDailyActivity.customerId))
    .where(eq(customerDailyActivity.workspaceId, workspaceId))
    .orderBy(asc(customers.externalId), asc(customerDailyActivity.day));
}

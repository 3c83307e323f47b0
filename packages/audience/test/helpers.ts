/** Shared fixtures for the audience integration tests: a live audience-triggered journey, event builders. */
import { randomUUID } from 'node:crypto';
import { journeys, journeyVersions, type Database } from '@wakeflow/db';
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

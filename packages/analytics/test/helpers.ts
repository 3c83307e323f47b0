/** Shared fixture helpers for the analytics integration tests: a journey published through the real compiler. */
import { eq } from 'drizzle-orm';
import { journeyGraphSchema, type JourneyGraphInput, type JourneySettingsInput } from '@wakeflow/journey';
import { journeys, publishJourneyDraft, type Database } from '@wakeflow/db';
import { createBuiltinCatalog } from '@wakeflow/nodes';

export const splitJourney: JourneyGraphInput = {
  nodes: [
    { id: 't', type: 'api_trigger', config: {} },
    {
      id: 's',
      type: 'split',
      config: {
        arms: [
          { name: 'a', percent: 50 },
          { name: 'b', percent: 50 },
        ],
      },
    },
    { id: 'email', type: 'send', config: { channel: 'email', templateId: 'nudge' } },
    { id: 'sms', type: 'send', config: { channel: 'sms', templateId: 'nudge-sms' } },
    { id: 'x', type: 'exit', config: { outcome: 'done' } },
  ],
  edges: [
    { source: 't', target: 's' },
    { source: 's', outcome: 'a', target: 'email' },
    { source: 's', outcome: 'b', target: 'sms' },
    { source: 'email', target: 'x' },
    { source: 'sms', target: 'x' },
  ],
};

export async function publish(
  db: Database,
  workspaceId: string,
  graph: JourneyGraphInput,
  settings: JourneySettingsInput,
): Promise<string> {
  const parsed = journeyGraphSchema.parse(graph) as unknown as Record<string, unknown>;
  const [row] = await db
    .insert(journeys)
    .values({
      workspaceId,
      name: 'fixture',
      draftGraph: parsed,
      draftSettings: settings as Record<string, unknown>,
    })
    .returning({ id: journeys.id });
  const published = await publishJourneyDraft(db, createBuiltinCatalog(), {
    workspaceId,
    journeyId: row!.id,
  });
  if (!published) throw new Error('not published');
  await db
    .update(journeys)
    .set({ status: 'live', liveVersion: published.version })
    .where(eq(journeys.id, row!.id));
  return row!.id;
}

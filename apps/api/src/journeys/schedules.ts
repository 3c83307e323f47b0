/**
 * Keeps a live journey's Temporal Schedule in step with its trigger: an audience trigger sweeps its segment every
 * `everyMinutes`; any other trigger (or an unpublished journey) has no schedule.
 */
import type { Client } from '@temporalio/client';
import { deleteAudienceSchedule, upsertAudienceSchedule } from '@wakeflow/audience';
import type { Plan } from '@wakeflow/journey';

export async function syncJourneySchedule(
  client: Client,
  input: { workspaceId: string; journeyId: string; plan: Pick<Plan, 'trigger'> | null },
): Promise<{ scheduleId: string | null }> {
  const trigger = input.plan?.trigger;
  if (trigger?.type === 'audience_trigger') {
    const everyMinutes = typeof trigger.config.everyMinutes === 'number' ? trigger.config.everyMinutes : 60;
    const scheduleId = await upsertAudienceSchedule(client, {
      workspaceId: input.workspaceId,
      journeyId: input.journeyId,
      everyMinutes,
    });
    return { scheduleId };
  }
  await deleteAudienceSchedule(client, input.workspaceId, input.journeyId);
  return { scheduleId: null };
}

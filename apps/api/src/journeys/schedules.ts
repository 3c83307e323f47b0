/**
 * Keeps a live journey's Temporal Schedule in step with its trigger right after a publish: an audience trigger
 * sweeps its segment every `everyMinutes`; any other trigger (or an unpublished journey) has no schedule. Bounded
 * in time, so a publish never hangs on an unreachable Temporal: the worker's reconciler repairs what this missed.
 */
import type { Client } from '@temporalio/client';
import { syncAudienceSchedule } from '@wakeflow/audience';
import type { Plan } from '@wakeflow/journey';

const SYNC_DEADLINE_MS = 5_000;

export async function syncJourneySchedule(
  client: Client,
  input: { workspaceId: string; journeyId: string; plan: Pick<Plan, 'trigger'> | null },
): Promise<{ scheduleId: string | null }> {
  return client.withDeadline(Date.now() + SYNC_DEADLINE_MS, () => syncAudienceSchedule(client, input));
}

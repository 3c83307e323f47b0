/**
 * Keeps a live journey's Temporal Schedule in step with its trigger right after a publish: an audience trigger
 * sweeps its segment every `everyMinutes`; any other trigger (or an unpublished journey) has no schedule. Bounded
 * in time, so a publish never hangs on an unreachable Temporal: the worker's reconciler repairs what this missed.
 */
import type { Client } from '@temporalio/client';
import { nextAudienceCheck, syncAudienceSchedule, triggerAudienceSchedule } from '@wakeflow/audience';
import type { Plan } from '@wakeflow/journey';
import type { JourneyScheduler } from '../deps';

const SYNC_DEADLINE_MS = 5_000;

export async function syncJourneySchedule(
  client: Client,
  input: { workspaceId: string; journeyId: string; plan: Pick<Plan, 'trigger'> | null },
): Promise<{ scheduleId: string | null }> {
  return client.withDeadline(Date.now() + SYNC_DEADLINE_MS, () => syncAudienceSchedule(client, input));
}

/** The scheduler main.ts wires: every call bounded like the sync. */
export function temporalJourneyScheduler(client: Client): JourneyScheduler {
  const bounded = <T>(fn: () => Promise<T>) => client.withDeadline(Date.now() + SYNC_DEADLINE_MS, fn);
  return {
    sync: async (input) => void (await syncJourneySchedule(client, input)),
    checkNow: ({ workspaceId, journeyId }) =>
      bounded(() => triggerAudienceSchedule(client, workspaceId, journeyId)),
    nextCheck: ({ workspaceId, journeyId }) =>
      bounded(() => nextAudienceCheck(client, workspaceId, journeyId)),
  };
}

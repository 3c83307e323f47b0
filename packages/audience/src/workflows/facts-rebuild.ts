/**
 * `audienceFactsRebuild`: recomputes a workspace's derived facts from its event log after the event definitions
 * changed (started by `PUT /api/audience/settings`). The work is one heartbeating activity; a retry resumes after
 * the last finished chunk of customers.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { FactsRebuildActivities, FactsRebuildInput, FactsRebuildProgress } from '../facts/rebuild-types';

export async function audienceFactsRebuild(input: FactsRebuildInput): Promise<FactsRebuildProgress> {
  const { rebuildAudienceFacts } = proxyActivities<FactsRebuildActivities>({
    // Millions of events take a while; liveness is the heartbeat's job, not this timeout's.
    startToCloseTimeout: '6 hours',
    heartbeatTimeout: input.heartbeatTimeoutMs ?? 60_000,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 20,
    },
  });
  return rebuildAudienceFacts(input);
}

/**
 * `audienceFactsRebuild`: recomputes a workspace's derived facts from its event log after the event definitions
 * changed (started by `PUT /api/audience/settings`). The work is one heartbeating activity; a retry starts over
 * with a new stage, and rewrites nothing of the customers already rebuilt.
 */
import { proxyActivities } from '@temporalio/workflow';
import { heartbeatingActivityOptions } from './heartbeating-activity';
import type { FactsRebuildActivities, FactsRebuildInput, FactsRebuildProgress } from '@wakeflow/audience';

export async function audienceFactsRebuild(input: FactsRebuildInput): Promise<FactsRebuildProgress> {
  const { rebuildAudienceFacts } = proxyActivities<FactsRebuildActivities>(
    heartbeatingActivityOptions(input.heartbeatTimeoutMs),
  );
  return rebuildAudienceFacts(input);
}

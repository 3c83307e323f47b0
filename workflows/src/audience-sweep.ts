/**
 * Temporal workflows of the audience area. Deterministic: they only call activities (all database work and
 * run starts happen there) and import nothing but `@temporalio/workflow` and types.
 *
 * - `audienceSweep`: one sweep of a journey's audience trigger, started by the journey's Temporal Schedule.
 * - `audienceMaintenance`: attach orphan events and recompute RFM scores, started by a workspace's schedule.
 *
 * Their activities and input types live in @wakeflow/audience (imported here as types only).
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { heartbeatingActivityOptions } from './heartbeating-activity';
import type {
  AudienceMaintenanceActivities,
  AudienceSweepActivities,
  AudienceSweepInput,
  SweepProgress,
} from '@wakeflow/audience';

const { maintainAudience } = proxyActivities<AudienceMaintenanceActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 },
});

export async function audienceSweep(input: AudienceSweepInput): Promise<SweepProgress> {
  const { runAudienceSweep } = proxyActivities<AudienceSweepActivities>(
    heartbeatingActivityOptions(input.heartbeatTimeoutMs),
  );
  // The workflow id is unique per scheduled run, so it names this sweep across activity retries.
  return runAudienceSweep({ ...input, sweepKey: input.sweepKey ?? workflowInfo().workflowId });
}

export async function audienceMaintenance(input: {
  workspaceId: string;
}): Promise<{ attachedEvents: number; rfmScored: number; rfmChanged: number }> {
  return maintainAudience(input);
}

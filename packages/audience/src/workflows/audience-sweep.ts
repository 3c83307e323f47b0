/**
 * Temporal workflows of the audience area. Deterministic: they only call activities (all database work and
 * run starts happen there) and import nothing but `@temporalio/workflow` and types.
 *
 * - `audienceSweep`: one sweep of a journey's audience trigger, started by the journey's Temporal Schedule.
 * - `audienceMaintenance`: attach orphan events and recompute RFM scores, started by a workspace's schedule.
 * - `audienceFactsRebuild` (facts-rebuild.ts, re-exported here as this file is the package's workflows entry):
 *   recompute derived facts after the event definitions changed.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
export { audienceFactsRebuild } from './facts-rebuild';
import type {
  AudienceMaintenanceActivities,
  AudienceSweepActivities,
  AudienceSweepInput,
  SweepProgress,
} from '../sweep/types';

const { maintainAudience } = proxyActivities<AudienceMaintenanceActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 },
});

export async function audienceSweep(input: AudienceSweepInput): Promise<SweepProgress> {
  const { runAudienceSweep } = proxyActivities<AudienceSweepActivities>({
    // A sweep over millions of customers takes a while; liveness is the heartbeat's job, not this timeout's.
    startToCloseTimeout: '6 hours',
    heartbeatTimeout: input.heartbeatTimeoutMs ?? 60_000,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 20,
    },
  });
  // The workflow id is unique per scheduled run, so it names this sweep across activity retries.
  return runAudienceSweep({ ...input, sweepKey: input.sweepKey ?? workflowInfo().workflowId });
}

export async function audienceMaintenance(input: {
  workspaceId: string;
}): Promise<{ attachedEvents: number; rfmScored: number; rfmChanged: number }> {
  return maintainAudience(input);
}

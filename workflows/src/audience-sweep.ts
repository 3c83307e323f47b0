/**
 * Temporal workflows of the audience area. Deterministic: they only call activities (all database work and
 * run starts happen there) and import nothing but `@temporalio/workflow` and types.
 *
 * - `audienceSweep`: one sweep of a journey's audience trigger, started by the journey's Temporal Schedule.
 * - `audienceMaintenance`: attach orphan events and recompute RFM scores, started by a workspace's schedule.
 *
 * Their activities and input types live in @wakeflow/audience (imported here as types only).
 */
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
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
  // The sweep's name across activity retries. A schedule names its workflows by the second they start, so two
  // "check now" triggers in one second (or one right after a scheduled check) share a workflow id: the run id tells
  // them apart. Sweeps started before this change keep their workflow-id key when they replay.
  const { workflowId, runId } = workflowInfo();
  const key = patched('sweep-key-per-run') ? `${workflowId}/${runId}` : workflowId;
  return runAudienceSweep({ ...input, sweepKey: input.sweepKey ?? key });
}

export async function audienceMaintenance(input: {
  workspaceId: string;
}): Promise<{ attachedEvents: number; rfmScored: number; rfmChanged: number }> {
  return maintainAudience(input);
}

/**
 * Starting the facts-rebuild workflow and reading its status, for the API. Whether a settings change needs a
 * rebuild is decided here too (only the event definitions feed the stored facts).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { journeyTaskQueue } from '@wakeflow/journey';
import type { AudienceSettings } from '../settings';
import {
  FACTS_REBUILD_WORKFLOW,
  factsRebuildWorkflowId,
  type FactsRebuildInput,
  type FactsRebuildProgress,
} from './rebuild-types';

const sortedSet = (list: readonly string[]) => [...new Set(list)].sort();

/**
 * Whether the stored facts depend on what changed: activity, login and purchase events, the amount property and whether refunds count.
 * Windows, stage boundaries and tier cut-offs are applied when facts are read, so changing them rebuilds nothing.
 * Lists compare as sets (order and repeats do not change which events count).
 */
export function eventDefinitionsChanged(before: AudienceSettings, after: AudienceSettings): boolean {
  const key = (s: AudienceSettings) =>
    JSON.stringify([
      s.activity.mode,
      sortedSet(s.activity.events),
      sortedSet(s.loginEvents),
      sortedSet(s.purchaseEvents),
      s.amountProperty,
      s.allowRefunds,
    ]);
  return key(before) !== key(after);
}

/**
 * Starts the workspace's rebuild. The id is fixed per workspace and a running rebuild is terminated
 * (TERMINATE_EXISTING): the newest definitions must win, and a rebuild is idempotent, so restarting from the first
 * customer loses nothing but time. (USE_EXISTING would keep a rebuild that may have passed customers under the old
 * definitions; it would need a signal to start over — more moving parts for the same result.) A terminated
 * activity may finish its current chunk, but every chunk reads the settings after locking its customers, so it
 * cannot write old definitions over the new rebuild's work.
 */
export async function startFactsRebuild(
  client: Client,
  input: FactsRebuildInput & { taskQueue?: string },
): Promise<{ workflowId: string; runId: string }> {
  const { taskQueue, ...args } = input;
  const workflowId = factsRebuildWorkflowId(input.workspaceId);
  const handle = await client.workflow.start(FACTS_REBUILD_WORKFLOW, {
    taskQueue: taskQueue ?? journeyTaskQueue(input.workspaceId),
    workflowId,
    args: [args],
    workflowIdConflictPolicy: 'TERMINATE_EXISTING',
  });
  return { workflowId, runId: handle.firstExecutionRunId };
}

export interface FactsRebuildStatus {
  workflowId: string;
  status: 'running' | 'completed' | 'failed';
  /** Customers whose facts changed: final when completed, so far (last heartbeat) while running. */
  customersUpdated: number | null;
  customersScanned: number | null;
  startedAt: string;
  finishedAt: string | null;
}

function asProgress(value: unknown): FactsRebuildProgress | null {
  return typeof value === 'object' && value !== null && 'customersUpdated' in value
    ? (value as FactsRebuildProgress)
    : null;
}

/** The latest rebuild of the workspace, or null when there never was one. */
export async function factsRebuildStatus(
  client: Client,
  workspaceId: string,
): Promise<FactsRebuildStatus | null> {
  const workflowId = factsRebuildWorkflowId(workspaceId);
  const handle = client.workflow.getHandle(workflowId);
  let description: Awaited<ReturnType<typeof handle.describe>>;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
  const name = description.status.name;
  let progress: FactsRebuildProgress | null = null;
  let status: FactsRebuildStatus['status'];
  if (name === 'RUNNING') {
    status = 'running';
    // Progress so far is the activity's last heartbeat.
    const payload = description.raw.pendingActivities?.[0]?.heartbeatDetails?.payloads?.[0];
    if (payload)
      progress = asProgress(client.options.loadedDataConverter.payloadConverter.fromPayload(payload));
  } else if (name === 'COMPLETED') {
    status = 'completed';
    progress = asProgress(await handle.result());
  } else {
    // Failed, timed out, cancelled or terminated by hand: the facts may be half rebuilt.
    status = 'failed';
  }
  return {
    workflowId,
    status,
    customersUpdated: progress?.customersUpdated ?? null,
    customersScanned: progress?.customersScanned ?? null,
    startedAt: description.startTime.toISOString(),
    finishedAt: description.closeTime?.toISOString() ?? null,
  };
}

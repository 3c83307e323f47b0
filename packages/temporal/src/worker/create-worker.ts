/** Builds a worker for one workspace's task queue: the journey workflows plus the activities wired to real adapters. */
import {
  NativeConnection,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Duration } from '@temporalio/common';
import { journeyTaskQueue } from '@wakeflow/journey';
import { workflowsPath } from '@wakeflow/workflows/path';
import type { Database } from '@wakeflow/db';
import type { NodeCatalog, NodePorts } from '@wakeflow/nodes';
import { createRunReconcilerActivities } from '../run-reconciler';
import { createCohortActivities } from './cohort-activities';
import { createJourneyActivities } from './journey-activities';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  workspaceId: string;
  db: Database;
  catalog: NodeCatalog;
  services: NodePorts;
  /** Pre-built bundle (tests build it once); otherwise bundled from source on start. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /** Workflows kept in memory between tasks; 0 replays every task from history. */
  maxCachedWorkflows?: number;
  /**
   * How long a task waits on this worker's sticky queue before the server hands it to any worker. The time-skipping
   * test server counts it in skipped time, so tests raise it.
   */
  stickyQueueScheduleToStartTimeout?: Duration;
  /** Extra activities, e.g. the audience sweep's. */
  extraActivities?: object;
}

export function bundleJourneyWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
}

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
  log: () => undefined,
};

export async function createJourneyWorker(options: WorkerOptions): Promise<Worker> {
  const journey = createJourneyActivities({
    db: options.db,
    catalog: options.catalog,
    services: options.services,
  });
  const activities = {
    ...journey,
    ...createCohortActivities({ db: options.db, catalog: options.catalog, services: options.services }),
    ...createRunReconcilerActivities(options.db),
    ...options.extraActivities,
  };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: journeyTaskQueue(options.workspaceId),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities,
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...(options.stickyQueueScheduleToStartTimeout
      ? { stickyQueueScheduleToStartTimeout: options.stickyQueueScheduleToStartTimeout }
      : {}),
    ...(options.maxConcurrentActivityTaskExecutions
      ? { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions }
      : {}),
    ...(options.maxConcurrentWorkflowTaskExecutions
      ? { maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions }
      : {}),
  });
}

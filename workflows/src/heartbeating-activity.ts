import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Options of a long activity that heartbeats its progress (an audience sweep, a facts rebuild): millions of rows take
 * a while, so liveness is the heartbeat's job, not the start-to-close timeout's; a retry resumes from the heartbeat.
 */
export function heartbeatingActivityOptions(heartbeatTimeoutMs: number | undefined): ActivityOptions {
  return {
    startToCloseTimeout: '6 hours',
    heartbeatTimeout: heartbeatTimeoutMs ?? 60_000,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 20,
    },
  };
}

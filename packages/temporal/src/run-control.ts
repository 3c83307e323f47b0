/**
 * Operator controls (stop, remove, resume) sent to runs in flight: a per-customer run gets the journey control
 * signal; the members of a cohort get one cohort control signal per cohort, naming them unless the control is for
 * the whole journey (every member of a cohort belongs to its journey).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  COHORT_CONTROL_SIGNAL,
  JOURNEY_CONTROL_SIGNAL,
  type CohortControlSignal,
  type JourneyControl,
} from '@wakeflow/journey';

export interface ControlledRun {
  runId: string;
  workflowId: string;
  cohortWorkflowId: string | null;
}

/** Signals sent at once: enough to be quick, few enough not to swamp the frontend. */
const SIGNAL_CONCURRENCY = 32;

/**
 * Sends `control` to each run; a workflow that already closed is skipped. `wholeJourney`: the runs are every running
 * run of one journey, so a cohort is told once for all its members. Answers how many runs got it.
 */
export async function signalRunControl(
  client: Client,
  targets: readonly ControlledRun[],
  control: JourneyControl,
  options: { wholeJourney?: boolean } = {},
): Promise<number> {
  const sends: { workflowId: string; runs: number; send: () => Promise<void> }[] = [];
  const cohorts = new Map<string, string[]>();
  for (const run of targets) {
    if (run.cohortWorkflowId === null) {
      sends.push({
        workflowId: run.workflowId,
        runs: 1,
        send: () => client.workflow.getHandle(run.workflowId).signal(JOURNEY_CONTROL_SIGNAL, control),
      });
      continue;
    }
    cohorts.set(run.cohortWorkflowId, [...(cohorts.get(run.cohortWorkflowId) ?? []), run.runId]);
  }
  for (const [cohort, runIds] of cohorts) {
    const signal: CohortControlSignal = options.wholeJourney ? { control } : { control, runIds };
    sends.push({
      workflowId: cohort,
      runs: runIds.length,
      send: () => client.workflow.getHandle(cohort).signal(COHORT_CONTROL_SIGNAL, signal),
    });
  }
  let delivered = 0;
  for (let i = 0; i < sends.length; i += SIGNAL_CONCURRENCY) {
    await Promise.all(
      sends.slice(i, i + SIGNAL_CONCURRENCY).map(async (s) => {
        try {
          await s.send();
          delivered += s.runs;
        } catch (error) {
          // The run (or its whole cohort) finished between the query and the signal: nothing left to control.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }),
    );
  }
  return delivered;
}

/**
 * Recording workflow histories for the replay gate: `WAKEFLOW_RECORD_HISTORIES=1 pnpm test` makes the journey-shape
 * tests write each run's history to workflows/histories/<name>.json.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';

export const historiesDir = fileURLToPath(new URL('../../../workflows/histories/', import.meta.url));

/** Records the workflow's latest run, or the run named (an earlier run of a workflow that continued as new). */
export async function recordHistoryIfAsked(
  client: Client,
  workflowId: string,
  name: string,
  runId?: string,
): Promise<void> {
  if (process.env.WAKEFLOW_RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  await mkdir(historiesDir, { recursive: true });
  // historyToJSON's shape is what `temporal workflow show -o json` prints, so files are interchangeable.
  const { historyToJSON } = await import('@temporalio/common/lib/proto-utils');
  await writeFile(`${historiesDir}${name}.json`, `${historyToJSON(history)}\n`);
}

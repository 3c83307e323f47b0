/**
 * `pnpm replay <history.json>` or `pnpm replay --workflow-id <id>`: replays a journey run's history against the
 * current workflow code and says whether it still makes the same decisions, or where it diverged. Exit code 1 on
 * divergence, so it can gate a deploy.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { connectTemporalClient, replayJourneyHistory, temporalConfigFromEnv } from '@wakeflow/temporal';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'workflow-id': { type: 'string' }, json: { type: 'boolean', default: false } },
});

async function loadHistory(): Promise<{ history: unknown; workflowId?: string }> {
  const workflowId = values['workflow-id'];
  if (workflowId) {
    const { client, connection } = await connectTemporalClient(temporalConfigFromEnv());
    try {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      return { history: historyToJSON(history), workflowId };
    } finally {
      await connection.close();
    }
  }
  const file = positionals[0];
  if (!file) {
    console.error('usage: pnpm replay <history.json> | --workflow-id <id>  [--json]');
    process.exit(2);
  }
  return { history: await readFile(file, 'utf8') };
}

const { history, workflowId } = await loadHistory();
const report = await replayJourneyHistory(history, workflowId ? { workflowId } : {});
if (values.json) console.log(JSON.stringify(report, null, 2));
else
  console.log(
    `${report.ok ? '✔' : '✘'} ${report.summary}${report.ok || !report.detail ? '' : `\n\n${report.detail}`}`,
  );
process.exit(report.ok ? 0 : 1);

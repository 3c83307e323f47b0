/**
 * Replay benchmark (issue 6): a journey run with a history of about 10,000 events — a customer who keeps browsing
 * while a 30-day wait listens for a login — is recorded on the time-skipping server, then replayed against the
 * current interpreter. Prints the history size and the replay time.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { CUSTOMER_EVENT_SIGNAL } from '@wakeflow/journey';
import { templates } from '@wakeflow/db';
import { createJourneyBench } from '@wakeflow/testing';
import { bundleForReplay, replayJourneyHistory } from '@wakeflow/temporal';

const TARGET_EVENTS = Number(process.env.BENCH_HISTORY_EVENTS ?? 10_000);

const bench = await createJourneyBench();
try {
  await bench.relaxSendingRules();
  await bench.database.db.insert(templates).values({
    workspaceId: 'test',
    id: 'hello',
    channel: 'email',
    name: 'Hello',
    subject: 'Hi',
    body: 'Hello',
  });
  const { journeyId } = await bench.publish({
    nodes: [
      { id: 't', type: 'api_trigger', config: {} },
      { id: 'mail', type: 'send', config: { channel: 'email', templateId: 'hello' } },
      {
        id: 'w',
        type: 'wait_for_event',
        config: { events: [{ event: 'login' }], timeout: { amount: 30, unit: 'days' } },
      },
      { id: 'back', type: 'exit', config: { outcome: 'back' } },
      { id: 'gone', type: 'exit', config: { outcome: 'gone' } },
    ],
    edges: [
      { source: 't', target: 'mail' },
      { source: 'mail', target: 'w' },
      { source: 'w', outcome: 'login', target: 'back' },
      { source: 'w', outcome: 'timeout', target: 'gone' },
    ],
  });
  const customerId = await bench.customer('browser');
  const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
  if (!started.started) throw new Error('run did not start');
  const handle = bench.env.client.workflow.getHandle(started.workflowId);

  const recordStarted = Date.now();
  let length = 0;
  await bench.withWorker(async () => {
    // Each signal adds its own event plus, usually, a workflow task (3 events): batches of signals in between.
    for (let i = 0; length < TARGET_EVENTS; i++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          handle.signal(CUSTOMER_EVENT_SIGNAL, {
            eventId: `b-${i}-${j}`,
            name: 'browse',
            properties: { page: j },
            occurredAt: new Date().toISOString(),
          }),
        ),
      );
      length = (await handle.describe()).historyLength;
    }
    await handle.signal(CUSTOMER_EVENT_SIGNAL, {
      eventId: 'login',
      name: 'login',
      properties: {},
      occurredAt: new Date().toISOString(),
    });
    await handle.result();
  });
  const history = await handle.fetchHistory();
  const json = historyToJSON(history);
  console.log(
    `recorded a history of ${history.events?.length} events (${(json.length / 1e6).toFixed(1)} MB) in ${((Date.now() - recordStarted) / 1000).toFixed(1)} s`,
  );

  const bundle = await bundleForReplay();
  const t0 = performance.now();
  const report = await replayJourneyHistory(json, { workflowBundle: bundle, workflowId: started.workflowId });
  const ms = performance.now() - t0;
  console.log(
    `replay: ${report.ok ? 'same decisions' : 'DIVERGED'} — ${history.events?.length} events in ${(ms / 1000).toFixed(2)} s (${Math.round((history.events?.length ?? 0) / (ms / 1000))} events/s)`,
  );
  if (!report.ok) process.exitCode = 1;
} finally {
  await bench.close();
}

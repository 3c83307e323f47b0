/**
 * What the cohort tests share: a win-back journey shaped like the canonical one, published with its durations
 * scaled down (the dev server runs in real time, and the plan's smallest unit is a minute), and readers of every
 * customer's path, messages and outcome as the database records them.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { JourneyGraphInput, JourneySettingsInput } from '@wakeflow/journey';
import { customers, messages, runSteps, runs, templates } from '@wakeflow/db';
import type { JourneyBench } from '@wakeflow/testing';

/** Email first touch → wait up to "1 minute" for a login → SMS second wave → wait again; purchase is the goal. */
export const winBackGraph: JourneyGraphInput = {
  nodes: [
    { id: 'trigger', type: 'api_trigger', config: {} },
    { id: 'gift_email', type: 'send', config: { channel: 'email', templateId: 'gift-email' } },
    { id: 'gift_sms', type: 'send', config: { channel: 'sms', templateId: 'gift-sms' } },
    {
      id: 'wait_return',
      type: 'wait_for_event',
      config: { events: [{ event: 'login' }], timeout: { amount: 1, unit: 'minutes' } },
    },
    { id: 'returned', type: 'exit', config: { outcome: 'reactivated' } },
    { id: 'second_sms', type: 'send', config: { channel: 'sms', templateId: 'second-sms' } },
    {
      id: 'wait_second',
      type: 'wait_for_event',
      config: { events: [{ event: 'login' }], timeout: { amount: 1, unit: 'minutes' } },
    },
    { id: 'returned_late', type: 'exit', config: { outcome: 'reactivated' } },
    { id: 'still_dormant', type: 'exit', config: { outcome: 'still_dormant' } },
  ],
  edges: [
    { source: 'trigger', target: 'gift_email' },
    { source: 'gift_email', target: 'gift_sms' },
    { source: 'gift_sms', target: 'wait_return' },
    { source: 'wait_return', outcome: 'login', target: 'returned' },
    { source: 'wait_return', outcome: 'timeout', target: 'second_sms' },
    { source: 'second_sms', target: 'wait_second' },
    { source: 'wait_second', outcome: 'login', target: 'returned_late' },
    { source: 'wait_second', outcome: 'timeout', target: 'still_dormant' },
  ],
};

export const winBackSettings: JourneySettingsInput = {
  goal: { event: 'purchase', outcome: 'purchased' },
  reentry: { mode: 'once' },
  holdoutPercent: 10,
};

export async function addWinBackTemplates(bench: JourneyBench): Promise<void> {
  await bench.database.db.insert(templates).values(
    (['gift-email', 'gift-sms', 'second-sms'] as const).map((id) => ({
      workspaceId: 'test',
      id,
      channel: id.endsWith('email') ? ('email' as const) : ('sms' as const),
      name: id,
      subject: 'We miss you',
      body: 'Hello {{ customer.firstName | default: "there" }}, your gift is waiting.',
    })),
  );
}

/** Publishes `graph` with every sleep and wait of its plan lasting `msPerMinute` per minute. */
export async function publishScaled(
  bench: JourneyBench,
  graph: JourneyGraphInput,
  settings: JourneySettingsInput,
  msPerMinute: number,
): Promise<{ journeyId: string; version: number }> {
  const published = await bench.publish(graph, settings);
  const factor = msPerMinute / 60_000;
  await bench.database.db.execute(sql`
    update journey_versions set plan = jsonb_set(plan, '{steps}', (
      select jsonb_object_agg(key, case
        when value ? 'timeoutMs' then jsonb_set(value, '{timeoutMs}', to_jsonb(round((value->>'timeoutMs')::numeric * ${factor})::bigint))
        when value->>'op' = 'sleep' then jsonb_set(value, '{ms}', to_jsonb(round((value->>'ms')::numeric * ${factor})::bigint))
        else value end)
      from jsonb_each(plan->'steps')))
    where journey_id = ${published.journeyId} and version = ${published.version}`);
  return published;
}

export interface CustomerOutcome {
  externalId: string;
  status: string;
  outcome: string | null;
  holdout: boolean;
  arms: Record<string, string>;
  cohortWorkflowId: string | null;
  path: { nodeId: string; outcome: string | null }[];
  messages: { nodeId: string | null; channel: string; status: string; reason: string | null }[];
}

/** Every run of the journey (of one entry number, if given) with its path and messages, by customer external id. */
export async function outcomesOf(
  bench: JourneyBench,
  journeyId: string,
  entry?: number,
): Promise<Map<string, CustomerOutcome>> {
  const { db } = bench.database;
  const rows = await db
    .select({
      runId: runs.id,
      externalId: customers.externalId,
      status: runs.status,
      outcome: runs.outcome,
      holdout: runs.holdout,
      arms: runs.arms,
      cohortWorkflowId: runs.cohortWorkflowId,
    })
    .from(runs)
    .innerJoin(customers, eq(customers.id, runs.customerId))
    .where(and(eq(runs.journeyId, journeyId), entry === undefined ? undefined : eq(runs.entry, entry)));
  const ids = rows.map((r) => r.runId);
  const steps = ids.length
    ? await db
        .select({ runId: runSteps.runId, nodeId: runSteps.nodeId, outcome: runSteps.outcome })
        .from(runSteps)
        .where(inArray(runSteps.runId, ids))
        .orderBy(asc(runSteps.runId), asc(runSteps.seq))
    : [];
  const sent = ids.length
    ? await db
        .select({
          runId: messages.runId,
          nodeId: messages.nodeId,
          channel: messages.channel,
          status: messages.status,
          reason: messages.reason,
        })
        .from(messages)
        .where(inArray(messages.runId, ids))
        .orderBy(asc(messages.runId), asc(messages.requestedAt), asc(messages.nodeId))
    : [];
  const out = new Map<string, CustomerOutcome>();
  for (const r of rows) {
    out.set(r.externalId, {
      externalId: r.externalId,
      status: r.status,
      outcome: r.outcome,
      holdout: r.holdout,
      arms: r.arms,
      cohortWorkflowId: r.cohortWorkflowId,
      path: steps.filter((s) => s.runId === r.runId).map(({ nodeId, outcome }) => ({ nodeId, outcome })),
      messages: sent
        .filter((m) => m.runId === r.runId)
        .map(({ nodeId, channel, status, reason }) => ({ nodeId, channel, status, reason })),
    });
  }
  return out;
}

/** Customers `prefix-0` … `prefix-(n-1)`: their ids, in that order. */
export async function customersNamed(bench: JourneyBench, prefix: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await bench.customer(`${prefix}-${i}`));
  return ids;
}

/**
 * Channel node kinds inside real journeys on the bench (PostgreSQL, Temporal's time-skipping server, a worker):
 * the `webhook` node (SSRF guard refusing loopback unless the operator allows it, the Liquid body, the idempotency
 * key, timeouts and 5xx retried, 4xx to the failure path, its answer feeding a later template) and the `send` node's
 * send window (S-RE-7: a send asked for at 10:00 local waits until 20:00 on a weekday).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { messages, outbox, templates } from '@wakeflow/db';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('channel nodes in journeys', () => {
  let bench: JourneyBench;
  let server: http.Server;
  let base: string;
  const received: Received[] = [];
  let respond: (index: number) => { status: number; body?: string; delayMs?: number } = () => ({
    status: 200,
    body: '{}',
  });
  const savedEnv = {
    hosts: process.env.WAKEFLOW_ALLOWED_PRIVATE_HOSTS,
    all: process.env.WAKEFLOW_ALLOW_PRIVATE_NETWORKS,
  };

  beforeAll(async () => {
    bench = await createJourneyBench();
    await bench.relaxSendingRules();
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const index =
          received.push({
            method: req.method ?? '',
            url: req.url ?? '',
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }) - 1;
        const answer = respond(index);
        const reply = () => {
          if (res.destroyed) return;
          res.writeHead(answer.status, { 'Content-Type': 'application/json' });
          res.end(answer.body ?? '');
        };
        if (answer.delayMs) setTimeout(reply, answer.delayMs);
        else reply();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await bench.database.db.insert(templates).values([
      {
        workspaceId: 'test',
        id: 'task-sms',
        channel: 'sms',
        name: 'Task',
        body: 'Hi {{ customer.first_name }}, ticket {{ steps.hook.body.task_id }} is open',
        category: 'transactional',
      },
      {
        workspaceId: 'test',
        id: 'evening-sms',
        channel: 'sms',
        name: 'Evening',
        body: 'Good evening {{ customer.first_name }}',
      },
    ]);
  });
  afterEach(() => {
    received.length = 0;
    process.env.WAKEFLOW_ALLOWED_PRIVATE_HOSTS = savedEnv.hosts ?? '';
    process.env.WAKEFLOW_ALLOW_PRIVATE_NETWORKS = savedEnv.all ?? '';
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await bench?.close();
  });

  const webhookJourney = (config: Record<string, unknown>) => ({
    nodes: [
      { id: 't', type: 'api_trigger', config: {} },
      { id: 'hook', type: 'webhook', config: { url: `${base}/crm/tasks?src=wf`, ...config } },
      { id: 'tell', type: 'send', config: { channel: 'sms', templateId: 'task-sms' } },
      { id: 'called', type: 'exit', config: { outcome: 'called' } },
      { id: 'failed', type: 'exit', config: { outcome: 'failed' } },
    ],
    edges: [
      { source: 't', target: 'hook' },
      { source: 'hook', outcome: 'success', target: 'tell' },
      { source: 'tell', target: 'called' },
      { source: 'hook', outcome: 'failure', target: 'failed' },
    ],
  });

  const body =
    '{"customer": {{ customer.external_id | json }}, "name": {{ customer.first_name | json }}, "source": {{ entry.source | json }}, "note": "churn risk"}';

  async function run(
    graph: ReturnType<typeof webhookJourney>,
    externalId: string,
    properties: Record<string, unknown> = { source: 'app' },
  ) {
    const { journeyId } = await bench.publish(graph);
    const customerId = await bench.customer(externalId, { firstName: 'Lin', timezone: 'UTC' });
    const started = await bench.starter.startRun({
      workspaceId: 'test',
      journeyId,
      customerId,
      entryEvent: {
        eventId: `entry-${externalId}`,
        name: 'api_entry',
        properties,
        occurredAt: (await bench.now()).toISOString(),
      },
    });
    if (!started.started) throw new Error(`not started: ${started.reason}`);
    const result = await bench.withWorker(
      () => bench.env.client.workflow.getHandle(started.workflowId).result() as Promise<{ outcome: string }>,
    );
    const log = await bench.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.customerId, customerId), eq(messages.nodeId, 'hook')));
    return { outcome: result.outcome, workflowId: started.workflowId, customerId, hookRow: log[0] };
  }

  it('refuses a loopback URL by default: failure path, no request made, the reason logged', async () => {
    process.env.WAKEFLOW_ALLOWED_PRIVATE_HOSTS = '';
    const r = await run(webhookJourney({ body }), 'ssrf-1');
    expect(r.outcome).toBe('failed');
    expect(received).toHaveLength(0);
    expect(r.hookRow).toMatchObject({
      status: 'failed',
      channel: 'webhook',
      reason: expect.stringMatching(/^blocked: Refused to connect to 127\.0\.0\.1/),
    });
  });

  it('calls an explicitly allowed host with the rendered body and the run’s idempotency key; the answer feeds the next template', async () => {
    process.env.WAKEFLOW_ALLOWED_PRIVATE_HOSTS = '127.0.0.1';
    respond = () => ({ status: 201, body: JSON.stringify({ task_id: 'T-4711' }) });
    const r = await run(webhookJourney({ body, headers: { 'X-Source': 'wakeflow' } }), 'hook-1', {
      source: 'app',
    });
    expect(r.outcome).toBe('called');
    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/crm/tasks?src=wf');
    expect(got.headers['idempotency-key']).toBe(`${r.workflowId}#hook`);
    expect(got.headers['x-source']).toBe('wakeflow');
    expect(got.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got.body)).toEqual({
      customer: 'hook-1',
      name: 'Lin',
      source: 'app',
      note: 'churn risk',
    });
    expect(r.hookRow).toMatchObject({
      status: 'sent',
      providerResponse: { status: 201, body: { task_id: 'T-4711' } },
    });
    const [sms] = await bench.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.recipient, '+4915112345678'))
      .orderBy(outbox.id);
    expect(sms?.body).toBe('Hi Lin, ticket T-4711 is open');
  });

  it('retries a timeout and a 5xx with the same key, then succeeds once', async () => {
    process.env.WAKEFLOW_ALLOWED_PRIVATE_HOSTS = '127.0.0.1';
    respond = (i) =>
      i === 0
        ? { status: 200, body: '{"late":true}', delayMs: 1_500 }
        : i === 1
          ? { status: 503, body: '{"error":"busy"}' }
          : { status: 200, body: '{"task_id":"T-2"}' };
    const r = await run(webhookJourney({ body, timeoutMs: 500 }), 'hook-retry');
    expect(r.outcome).toBe('called');
    expect(received).toHaveLength(3);
    expect(new Set(received.map((q) => q.headers['idempotency-key']))).toEqual(
      new Set([`${r.workflowId}#hook`]),
    );
    expect(r.hookRow).toMatchObject({
      status: 'sent',
      attempts: 3,
      providerResponse: { status: 200, body: { task_id: 'T-2' } },
    });
  });

  it('takes a 4xx to the failure path with the answer kept', async () => {
    process.env.WAKEFLOW_ALLOWED_PRIVATE_HOSTS = '127.0.0.1';
    respond = () => ({ status: 422, body: '{"error":"unknown customer"}' });
    const r = await run(webhookJourney({ body, method: 'PUT' }), 'hook-4xx');
    expect(r.outcome).toBe('failed');
    expect(received).toHaveLength(1);
    expect(received[0]!.method).toBe('PUT');
    expect(r.hookRow).toMatchObject({
      status: 'failed',
      reason: 'http_422',
      providerResponse: { status: 422, body: { error: 'unknown customer' } },
    });
  });

  it('refuses at publish a body template that does not parse', async () => {
    await expect(bench.publish(webhookJourney({ body: '{"x": {{ customer.first_name }' }))).rejects.toThrow(
      /Line 1, column \d+/,
    );
  });

  describe('send window (S-RE-7)', () => {
    const zone = 'Asia/Shanghai';
    const windowJourney = (weekdays: number[]) => ({
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        { id: 'morning', type: 'delay', config: { mode: 'local_time', time: '10:00', weekdays } },
        {
          id: 'sms',
          type: 'send',
          config: {
            channel: 'sms',
            templateId: 'evening-sms',
            sendWindow: { weekdays: [1, 2, 3, 4, 5], start: '20:00', end: '21:00' },
          },
        },
        { id: 'x', type: 'exit', config: { outcome: 'done' } },
      ],
      edges: [
        { source: 't', target: 'morning' },
        { source: 'morning', target: 'sms' },
        { source: 'sms', target: 'x' },
      ],
    });

    async function sendTimes(externalId: string, weekdays: number[]) {
      const { journeyId } = await bench.publish(windowJourney(weekdays));
      const customerId = await bench.customer(externalId, { firstName: 'Wei', timezone: zone });
      const started = await bench.starter.startRun({ workspaceId: 'test', journeyId, customerId });
      if (!started.started) throw new Error(`not started: ${started.reason}`);
      await bench.withWorker(() => bench.env.client.workflow.getHandle(started.workflowId).result());
      const [row] = await bench.database.db
        .select()
        .from(messages)
        .where(eq(messages.customerId, customerId));
      const local = (d: Date | null | undefined) => DateTime.fromJSDate(d!).setZone(zone);
      return { row: row!, asked: local(row!.requestedAt), sent: local(row!.dispatchedAt) };
    }

    it('a send asked for at 10:00 on a weekday waits until 20:00 local that evening', async () => {
      const { row, asked, sent } = await sendTimes('window-weekday', [1, 2, 3, 4, 5]);
      expect(asked.toFormat('HH:mm')).toBe('10:00');
      expect(asked.weekday).toBeLessThanOrEqual(5);
      expect(sent.toISODate()).toBe(asked.toISODate());
      expect(sent.toFormat('HH:mm')).toBe('20:00');
      expect(row).toMatchObject({ status: 'sent', deferredUntil: null, reason: null });
    });

    it('a send asked for on a Saturday waits until Monday 20:00 local', async () => {
      const { row, asked, sent } = await sendTimes('window-weekend', [6]);
      expect(asked.weekday).toBe(6);
      expect(sent.weekday).toBe(1);
      expect(sent.toFormat('HH:mm')).toBe('20:00');
      expect(Math.round(sent.diff(asked, 'minutes').minutes)).toBe(58 * 60);
      expect(row.status).toBe('sent');
    });

    it('keeps old send configs valid and refuses an empty window', () => {
      const schema = bench.catalog.get('send')!.configSchema;
      expect(schema.safeParse({ channel: 'sms', templateId: 'x' }).success).toBe(true);
      expect(
        schema.safeParse({ channel: 'sms', templateId: 'x', sendWindow: { start: '20:00', end: '20:00' } })
          .success,
      ).toBe(false);
      expect(
        schema.safeParse({
          channel: 'sms',
          templateId: 'x',
          sendWindow: { weekdays: [8], start: '20:00', end: '21:00' },
        }).success,
      ).toBe(false);
      expect(bench.catalog.get('send')!.version).toBe(1);
    });
  });
});

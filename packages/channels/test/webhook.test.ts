/**
 * The webhook node's activity against PostgreSQL and a local server: a provider's auth header goes only to URLs
 * under the provider's base URL (parsed, not a string prefix), and a host that does not exist ends the step on its
 * failure path instead of being retried as a temporary failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@wakeflow/db/testing';
import { messages } from '@wakeflow/db';
import {
  createChannelNodeAdapters,
  createProvider,
  deriveSecretKeys,
  webhook,
  webhookConfigSchema,
  type ChannelNodePorts,
} from '../src/index';
import {
  seedCustomer,
  seedJourney,
  seedRun,
  startHttpServer,
  WORKSPACE,
  type TestHttpServer,
} from './helpers';

const keys = deriveSecretKeys('e'.repeat(64));
const SECRET = 'Bearer partner-secret';
let tdb: TestDatabase;
let partner: TestHttpServer;

const unused = () => Promise.reject(new Error('not used by the webhook node'));

beforeAll(async () => {
  tdb = await createTestDatabase();
  partner = await startHttpServer();
  for (const [id, url] of [
    ['partner-v1', `${partner.url}/v1`],
    ['partner-root', partner.url],
    ['partner-remote', 'https://api.partner.com'],
  ] as const)
    await createProvider(tdb.db, keys, WORKSPACE, {
      id,
      channel: 'webhook',
      kind: 'http',
      settings: { url },
      secrets: { authHeaderValue: SECRET },
    });
});
afterAll(async () => {
  await partner?.close();
  await tdb?.drop();
});

async function callWebhook(config: Record<string, unknown>) {
  // The kind as the worker runs it: its activity on the ports, the `webhooks` port on the test database.
  const services: ChannelNodePorts = {
    ...createChannelNodeAdapters(tdb.db, {
      keys,
      addressPolicy: { allowPrivateNetworks: false, allowedHosts: ['127.0.0.1'] },
    }),
    customers: { get: unused, update: unused },
    messaging: { send: unused, sendBatch: unused },
    conditions: { matches: unused },
    logger: { info: () => undefined, warn: () => undefined },
  };
  const { journeyId } = await seedJourney(tdb.db);
  const run = await seedRun(tdb.db, await seedCustomer(tdb.db), journeyId);
  const at = new Date().toISOString();
  const result = await webhook.definition.activity!.run(
    {
      runId: run.runId,
      workflowId: run.workflowId,
      workspaceId: WORKSPACE,
      journeyId,
      version: 1,
      customerId: run.customerId,
      nodeId: 'hook',
      nodeType: 'webhook',
      nodeVersion: 1,
      config: webhookConfigSchema.parse({ timeoutMs: 2_000, ...config }),
      holdout: false,
      priority: 5,
      context: { enteredAt: at, steps: {} },
      at,
    },
    services,
  );
  const [row] = await tdb.db
    .select()
    .from(messages)
    .where(eq(messages.idempotencyKey, `${run.workflowId}#hook`));
  return { result, reason: row?.reason ?? null };
}

const withSecret = () => partner.requests.filter((r) => r.headers.authorization === SECRET);

describe('the webhook node', () => {
  it("sends the provider's auth header to URLs under its base URL", async () => {
    const before = withSecret().length;
    const { result } = await callWebhook({ url: `${partner.url}/v1/tasks`, providerId: 'partner-v1' });
    expect(result.outcome).toBe('success');
    expect(withSecret()).toHaveLength(before + 1);
    expect(withSecret().at(-1)?.url).toBe('/v1/tasks');
  });

  it('refuses a URL that only starts like the base URL, before any request is made', async () => {
    const cases: [string, string][] = [
      [`${partner.url}/v10/steal`, 'partner-v1'],
      [`${partner.url}/v1/%2e%2e/admin`, 'partner-v1'],
      [`http://127.0.0.1:${partner.port}@localhost:${partner.port}/steal`, 'partner-root'],
      ['https://api.partner.com.evil.invalid/steal', 'partner-remote'],
    ];
    for (const [url, providerId] of cases) {
      const requests = partner.requests.length;
      const { result, reason } = await callWebhook({ url, providerId });
      expect(result.outcome, url).toBe('failure');
      expect(reason, url).toBe('provider_url_mismatch');
      expect(partner.requests.length, url).toBe(requests);
    }
  });

  it('takes a host that does not exist to the failure path, naming the host (RFC 6761: .invalid never resolves)', async () => {
    const { result, reason } = await callWebhook({ url: 'https://hook.wakeflow-test.invalid/tasks' });
    expect(result.outcome).toBe('failure');
    expect(reason).toMatch(/^host_not_found: .*hook\.wakeflow-test\.invalid/);
    expect(JSON.stringify(result.output)).toContain('hook.wakeflow-test.invalid');
  });
});

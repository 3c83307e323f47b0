import { describe, expect, it } from 'vitest';
import type { NodeRunInput } from '../define-node';
import type { BatchSendResult, MessageSender, NodePorts, SendRequest } from '../ports';
import { send } from './send';

type SendConfig = NodeRunInput<{ channel: 'email' | 'sms' | 'push'; templateId: string }>['config'];

function input(customerId: string, config: SendConfig): NodeRunInput<SendConfig> {
  return {
    runId: `run-${customerId}`,
    workflowId: `journey/ws/j/v1/${customerId}/1`,
    workspaceId: 'ws',
    journeyId: 'j',
    version: 1,
    customerId,
    nodeId: 'gift',
    nodeType: 'send',
    nodeVersion: 1,
    config,
    holdout: customerId === 'held',
    priority: 7,
    context: { enteredAt: '2026-06-15T00:00:00.000Z', steps: { offer: { code: 'A' } } },
    at: '2026-06-15T12:00:00.000Z',
  };
}

function ports(messaging: MessageSender): NodePorts {
  const unused = () => Promise.reject(new Error('not used by send'));
  return {
    messaging,
    customers: { get: unused, update: unused },
    conditions: { matches: unused },
    logger: { info: () => undefined, warn: () => undefined },
  };
}

describe('send: many runs at once', () => {
  it('asks for all messages in one batch, each as a single run would, and answers each member as run would', async () => {
    const config: SendConfig = { channel: 'email', templateId: 'welcome' };
    const inputs = ['sent', 'held', 'later', 'down'].map((c) => input(c, config));
    const batches: SendRequest[][] = [];
    const singles: SendRequest[] = [];
    const answers: Record<string, BatchSendResult> = {
      sent: { messageId: 'm1', status: 'sent' },
      held: { messageId: 'm2', status: 'skipped', reason: 'holdout' },
      later: {
        messageId: 'm3',
        status: 'deferred',
        reason: 'quiet_hours',
        retryAt: '2026-06-15T23:00:00.000Z',
      },
      down: {
        messageId: 'm4',
        status: 'retry',
        cause: 'provider_unavailable',
        reason: 'HTTP 503',
        retryAfterMs: 2_000,
      },
    };
    const messaging: MessageSender = {
      send(req) {
        singles.push(req);
        return Promise.resolve({ messageId: 'm1', status: 'sent' });
      },
      sendBatch(reqs) {
        batches.push([...reqs]);
        return Promise.resolve(reqs.map((r) => answers[r.customerId]!));
      },
    };
    const results = await send.definition.activity!.runBatch!(inputs, ports(messaging));
    expect(batches).toHaveLength(1);
    await send.definition.activity!.run(inputs[0]!, ports(messaging));
    // The request of a batch member is the one its run would make (same idempotency key: run + step).
    expect(batches[0]![0]).toEqual(singles[0]);
    expect(batches[0]!.map((r) => r.idempotencyKey)).toEqual(inputs.map((i) => `${i.workflowId}#gift`));
    expect(batches[0]![1]!.holdout).toBe(true);
    expect(results).toEqual([
      { result: { outcome: 'next', output: { messageId: 'm1', status: 'sent' } } },
      { result: { outcome: 'next', output: { messageId: 'm2', status: 'skipped' } } },
      { result: { outcome: 'next', retryAt: '2026-06-15T23:00:00.000Z' } },
      { error: 'HTTP 503', retryable: true, retryAfterMs: 2_000 },
    ]);
  });
});

/**
 * Test sends: one send step's message, rendered with a chosen customer's data by the real renderer, delivered through
 * the channel's real provider to people on the workspace's seed list (or to the person asking) — before any customer
 * gets it. Each is a `messages` row marked `is_test`: it shows in the message log as a test, has no run (so results,
 * which count runs' messages, never see it) and is never dispatched (so frequency caps, which count dispatches, never
 * count it). The customer's consent and the sending rules are not applied: the addressee is not the customer.
 * The subject (or, for SMS, the text) says "[Test]" so nobody mistakes it for the real thing.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { customers, messages, templates, type Database } from '@wakeflow/db';
import type { ProviderResolver } from '../providers/resolver';
import { ProviderError } from '../providers/types';
import type { SecretKeys } from '../secrets/keys';
import { renderForCustomer } from './compose';

export type TestChannel = 'email' | 'sms' | 'push';

export interface TestRecipient {
  name: string;
  email?: string | null;
  phone?: string | null;
  pushToken?: string | null;
}

export interface TestSendRequest {
  workspaceId: string;
  journeyId: string;
  nodeId: string;
  channel: TestChannel;
  templateId: string;
  /** Whose data renders the message. */
  customerId: string;
  recipients: readonly TestRecipient[];
}

export interface TestSendResult {
  recipient: string;
  to: string | null;
  status: 'sent' | 'failed' | 'skipped';
  /** Why not sent: `no_recipient` (no address for this channel), `template_error: …`, `provider: …`. */
  reason?: string;
  messageId?: string;
}

export interface TestSendDeps {
  db: Database;
  keys: SecretKeys;
  publicBaseUrl: string;
  resolver: ProviderResolver;
}

export const TEST_PREFIX = '[Test] ';

/** The template or customer named is not in the workspace. */
export class TestSendNotFoundError extends Error {
  constructor(
    readonly what: 'template' | 'customer',
    id: string,
  ) {
    super(`No ${what} “${id}” in this workspace`);
    this.name = 'TestSendNotFoundError';
  }
}

function addressOf(recipient: TestRecipient, channel: TestChannel): string | null {
  const to =
    channel === 'email' ? recipient.email : channel === 'sms' ? recipient.phone : recipient.pushToken;
  return to?.trim() ? to.trim() : null;
}

export async function sendTestMessages(deps: TestSendDeps, req: TestSendRequest): Promise<TestSendResult[]> {
  const { db } = deps;
  const [template] = await db
    .select()
    .from(templates)
    .where(and(eq(templates.workspaceId, req.workspaceId), eq(templates.id, req.templateId)));
  if (!template) throw new TestSendNotFoundError('template', req.templateId);
  const [customer] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, req.workspaceId), eq(customers.id, req.customerId)));
  if (!customer) throw new TestSendNotFoundError('customer', req.customerId);

  const results: TestSendResult[] = [];
  for (const recipient of req.recipients) {
    const messageId = randomUUID();
    const to = addressOf(recipient, req.channel);
    const row = {
      id: messageId,
      workspaceId: req.workspaceId,
      idempotencyKey: `test:${messageId}`,
      journeyId: req.journeyId,
      nodeId: req.nodeId,
      customerId: customer.id,
      channel: req.channel,
      templateId: template.id,
      category: template.category,
      recipient: to,
      isTest: true,
      requestedAt: new Date(),
    };
    if (!to) {
      await db.insert(messages).values({ ...row, status: 'skipped', reason: 'no_recipient' });
      results.push({
        recipient: recipient.name,
        to: null,
        status: 'skipped',
        reason: 'no_recipient',
        messageId,
      });
      continue;
    }
    const composed = await renderForCustomer({
      template,
      customer,
      channel: req.channel,
      context: {},
      links: { keys: deps.keys, publicBaseUrl: deps.publicBaseUrl, workspaceId: req.workspaceId, messageId },
      at: new Date(),
    });
    if ('error' in composed) {
      const reason = composed.error;
      await db.insert(messages).values({ ...row, status: 'failed', reason });
      results.push({ recipient: recipient.name, to, status: 'failed', reason, messageId });
      continue;
    }
    const { rendered } = composed;
    const subject = rendered.subject === null ? null : `${TEST_PREFIX}${rendered.subject}`;
    const text = req.channel === 'sms' ? `${TEST_PREFIX}${rendered.text}` : rendered.text;
    await db.insert(messages).values({ ...row, status: 'pending', subject, body: text, attempts: 1 });
    const resolved = await deps.resolver.forChannel(req.workspaceId, req.channel);
    if (!resolved) {
      await db
        .update(messages)
        .set({ status: 'failed', reason: 'no_provider' })
        .where(eq(messages.id, messageId));
      results.push({ recipient: recipient.name, to, status: 'failed', reason: 'no_provider', messageId });
      continue;
    }
    try {
      const receipt = await resolved.provider.send({
        messageId,
        idempotencyKey: row.idempotencyKey,
        channel: req.channel,
        to,
        subject,
        text,
        html: rendered.html,
        headers: {},
        unsubscribeUrl: null,
      });
      await db
        .update(messages)
        .set({
          status: 'sent',
          provider: resolved.provider.id,
          providerMessageId: receipt.providerMessageId,
          providerResponse: receipt.response,
          sentAt: new Date(),
        })
        .where(eq(messages.id, messageId));
      results.push({ recipient: recipient.name, to, status: 'sent', messageId });
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      // A test is not retried: the person asking sees the provider's answer and may send again.
      const reason = `provider: ${error.message}`;
      await db
        .update(messages)
        .set({ status: 'failed', reason, provider: resolved.provider.id, providerResponse: error.response })
        .where(eq(messages.id, messageId));
      results.push({ recipient: recipient.name, to, status: 'failed', reason, messageId });
    }
  }
  return results;
}

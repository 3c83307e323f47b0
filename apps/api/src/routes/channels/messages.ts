/**
 * The message log: what was sent, skipped or failed and why, per customer or per journey step; and the outbox of
 * the development log provider, which is where "sent" messages went when no real provider is configured.
 */
import { Router } from 'express';
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { messages, outbox } from '@wakeflow/db';
import { messageRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';
import type { ChannelApiDeps } from './context';

export function messageRoutes(deps: ChannelApiDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/messages', async (req, res) => {
    const q = parseInput(contract.log.query, req.query, 'query');
    const conditions: SQL[] = [eq(messages.workspaceId, workspaceOf(res))];
    if (q.customerId) conditions.push(eq(messages.customerId, q.customerId));
    if (q.journeyId) conditions.push(eq(messages.journeyId, q.journeyId));
    if (q.nodeId) conditions.push(eq(messages.nodeId, q.nodeId));
    if (q.status) conditions.push(eq(messages.status, q.status));
    if (q.channel) conditions.push(eq(messages.channel, q.channel));
    if (q.before) conditions.push(lt(messages.createdAt, new Date(q.before)));
    const rows = await db
      .select()
      .from(messages)
      .where(and(...conditions))
      .orderBy(desc(messages.createdAt))
      .limit(q.limit);
    answer(res, contract.log, 200, {
      messages: rows.map((m) => ({
        id: m.id,
        customerId: m.customerId,
        journeyId: m.journeyId,
        runId: m.runId,
        nodeId: m.nodeId,
        channel: m.channel,
        templateId: m.templateId,
        category: m.category,
        priority: m.priority,
        status: m.status,
        reason: m.reason,
        provider: m.provider,
        providerMessageId: m.providerMessageId,
        recipient: m.recipient,
        subject: m.subject,
        body: m.body,
        attempts: m.attempts,
        costMicros: m.costMicros,
        deferredUntil: m.deferredUntil?.toISOString() ?? null,
        createdAt: m.createdAt.toISOString(),
        dispatchedAt: m.dispatchedAt?.toISOString() ?? null,
        sentAt: m.sentAt?.toISOString() ?? null,
        isTest: m.isTest,
      })),
    });
  });

  router.get('/outbox', async (req, res) => {
    const q = parseInput(contract.outbox.query, req.query, 'query');
    const rows = await db
      .select()
      .from(outbox)
      .where(eq(outbox.workspaceId, workspaceOf(res)))
      .orderBy(desc(outbox.id))
      .limit(q.limit);
    answer(res, contract.outbox, 200, {
      note: 'Messages the development log provider recorded instead of delivering',
      messages: rows.map((r) => ({
        id: r.id,
        messageId: r.messageId,
        channel: r.channel,
        recipient: r.recipient,
        subject: r.subject,
        body: r.body,
        html: typeof r.payload.html === 'string' ? r.payload.html : null,
        createdAt: r.createdAt.toISOString(),
      })),
    });
  });

  return router;
}

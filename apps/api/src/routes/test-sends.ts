/**
 * Test before launch: the seed list (`/api/test-recipients`) and test sends of a draft step's message
 * (`POST /api/journeys/:id/test-send`) through the channel's real provider (@wakeflow/channels `sendTestMessages`).
 */
import { Router } from 'express';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { testSendRoutes as contract, testSendableKinds } from '@wakeflow/contracts';
import { customers, journeys, testRecipients } from '@wakeflow/db';
import { journeyGraphSchema } from '@wakeflow/journey';
import {
  addressPolicyFromEnv,
  createProviderResolver,
  sendTestMessages,
  TestSendNotFoundError,
  type TestRecipient,
} from '@wakeflow/channels';
import { recordAudit } from '../http/audit-trail';
import { answer } from '../http/answer';
import { HttpError, notFound, parseInput } from '../http/errors';
import { principalOf, workspaceOf } from '../http/workspace';
import { channelOptions, type ChannelApiDeps } from './channels/context';

const SENDING_CHANNELS = new Set(['email', 'sms', 'push']);

function unprocessable(path: string, message: string): HttpError {
  return new HttpError(422, 'invalid_request', message, { issues: [{ path, message }] });
}

export function testSendRoutes(deps: ChannelApiDeps): Router {
  const { db } = deps;
  const router = Router();
  const { keys, publicBaseUrl } = channelOptions(deps);
  const resolver = createProviderResolver({ db, keys, policy: addressPolicyFromEnv(), fallbackToLog: true });

  router.get('/test-recipients', async (_req, res) => {
    const rows = await db
      .select()
      .from(testRecipients)
      .where(eq(testRecipients.workspaceId, workspaceOf(res)))
      .orderBy(asc(testRecipients.name));
    answer(res, contract.listRecipients, 200, {
      recipients: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    });
  });

  router.post('/test-recipients', async (req, res) => {
    const input = parseInput(contract.addRecipient.body, req.body, 'body');
    const [row] = await db
      .insert(testRecipients)
      .values({
        workspaceId: workspaceOf(res),
        name: input.name,
        email: input.email ?? null,
        phone: input.phone ?? null,
        pushToken: input.pushToken ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new HttpError(409, 'conflict', `“${input.name}” is on the seed list already`);
    await recordAudit(db, res, {
      action: 'test_recipient.added',
      entityType: 'test_recipient',
      entityId: row.id,
      after: { name: row.name, email: row.email, phone: row.phone },
    });
    answer(res, contract.addRecipient, 201, { ...row, createdAt: row.createdAt.toISOString() });
  });

  router.delete('/test-recipients/:id', async (req, res) => {
    const { id } = parseInput(contract.removeRecipient.params, req.params, 'params');
    const removed = await db
      .delete(testRecipients)
      .where(and(eq(testRecipients.workspaceId, workspaceOf(res)), eq(testRecipients.id, id)))
      .returning();
    const [gone] = removed;
    if (!gone) throw notFound('Test recipient');
    await recordAudit(db, res, {
      action: 'test_recipient.removed',
      entityType: 'test_recipient',
      entityId: id,
      before: { name: gone.name, email: gone.email, phone: gone.phone },
    });
    res.status(204).end();
  });

  router.post('/journeys/:id/test-send', async (req, res) => {
    const { id } = parseInput(contract.send.params, req.params, 'params');
    const body = parseInput(contract.send.body, req.body, 'body');
    const workspaceId = workspaceOf(res);
    const [journey] = await db
      .select({ draftGraph: journeys.draftGraph })
      .from(journeys)
      .where(and(eq(journeys.id, id), eq(journeys.workspaceId, workspaceId)));
    if (!journey) throw notFound('Journey');
    const graph = journeyGraphSchema.safeParse(journey.draftGraph);
    const step = graph.success ? graph.data.nodes.find((n) => n.id === body.stepId) : undefined;
    if (!step) throw unprocessable('body.stepId', `The draft has no step “${body.stepId}”`);
    const { channel, templateId } = step.config as { channel?: unknown; templateId?: unknown };
    if (
      !testSendableKinds.includes(step.type) ||
      typeof channel !== 'string' ||
      !SENDING_CHANNELS.has(channel)
    )
      throw unprocessable('body.stepId', `Step “${step.name ?? step.id}” does not send a message`);
    if (typeof templateId !== 'string' || templateId === '')
      throw unprocessable('body.stepId', `Step “${step.name ?? step.id}” has no template yet`);

    const [customer] = await db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.workspaceId, workspaceId), eq(customers.externalId, body.customerExternalId)));
    if (!customer)
      throw new HttpError(404, 'not_found', `No customer “${body.customerExternalId}” in this workspace`, {
        issues: [{ path: 'body.customerExternalId', message: 'No such customer' }],
      });

    const recipients: TestRecipient[] = [];
    if (body.toMe) {
      const principal = principalOf(res);
      if (principal.kind !== 'user')
        throw unprocessable(
          'body.toMe',
          'Only a signed-in person has an address to send to; choose the seed list',
        );
      recipients.push({ name: principal.email, email: principal.email });
    }
    if (body.recipientIds.length > 0) {
      const listed = await db
        .select()
        .from(testRecipients)
        .where(
          and(eq(testRecipients.workspaceId, workspaceId), inArray(testRecipients.id, body.recipientIds)),
        );
      const missing = body.recipientIds.filter((rid) => !listed.some((r) => r.id === rid));
      if (missing.length > 0)
        throw unprocessable('body.recipientIds', `Not on the seed list: ${missing.join(', ')}`);
      recipients.push(...listed);
    }

    try {
      const results = await sendTestMessages(
        { db, keys, publicBaseUrl, resolver },
        {
          workspaceId,
          journeyId: id,
          nodeId: step.id,
          channel: channel as 'email' | 'sms' | 'push',
          templateId,
          customerId: customer.id,
          recipients,
        },
      );
      // Real messages left the building: who sent what to whom is in the audit log.
      await recordAudit(db, res, {
        action: 'journey.test_sent',
        entityType: 'journey',
        entityId: id,
        after: {
          stepId: step.id,
          templateId,
          customerExternalId: body.customerExternalId,
          results: results.map((r) => ({ recipient: r.recipient, to: r.to, status: r.status })),
        },
      });
      answer(res, contract.send, 200, { results });
    } catch (error) {
      if (error instanceof TestSendNotFoundError)
        throw unprocessable('body.stepId', `${error.message}: the step's template must exist to send a test`);
      throw error;
    }
  });

  return router;
}

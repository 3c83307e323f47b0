/** Runs: find them, open one with its steps and messages, enter customers through the API trigger (one or many). */
import { Router } from 'express';
import { and, asc, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { customers, journeys, messages, runSteps, runs } from '@wakeflow/db';
import { runIdParams, runRoutes as contract } from '@wakeflow/contracts';
import { InvalidHistoryError, replayJourneyHistory, type ReplayReport } from '@wakeflow/temporal';
import type { ApiDeps } from '../deps';
import { answer } from '../http/answer';
import { HttpError, notFound, parseInput } from '../http/errors';
import { workspaceOf } from '../http/workspace';
import { recordAudit } from '../http/audit-trail';
import { removeFromRun } from '../journeys/lifecycle';

export function runRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/runs', async (req, res) => {
    const q = parseInput(contract.list.query, req.query, 'query');
    const filters: SQL[] = [eq(runs.workspaceId, workspaceOf(res))];
    if (q.journeyId) filters.push(eq(runs.journeyId, q.journeyId));
    if (q.version) filters.push(eq(runs.version, q.version));
    if (q.customerId) filters.push(eq(runs.customerId, q.customerId));
    if (q.status) filters.push(eq(runs.status, q.status));
    if (q.outcome) filters.push(eq(runs.outcome, q.outcome));
    if (q.before) filters.push(lt(runs.startedAt, new Date(q.before)));
    const rows = await db
      .select({
        id: runs.id,
        workflowId: runs.workflowId,
        journeyId: runs.journeyId,
        version: runs.version,
        customerId: runs.customerId,
        customerExternalId: customers.externalId,
        entry: runs.entry,
        status: runs.status,
        outcome: runs.outcome,
        holdout: runs.holdout,
        currentNodeId: runs.currentNodeId,
        arms: runs.arms,
        startedAt: runs.startedAt,
        endedAt: runs.endedAt,
        endedReason: runs.endedReason,
      })
      .from(runs)
      .innerJoin(customers, eq(customers.id, runs.customerId))
      .where(and(...filters))
      .orderBy(desc(runs.startedAt))
      .limit(q.limit);
    answer(res, contract.list, 200, { runs: rows });
  });

  router.get('/runs/:id', async (req, res) => {
    const { id } = parseInput(runIdParams, req.params, 'params');
    const [run] = await db
      .select()
      .from(runs)
      .where(and(eq(runs.id, id), eq(runs.workspaceId, workspaceOf(res))));
    if (!run) throw notFound('Run');
    const [steps, sent] = await Promise.all([
      db.select().from(runSteps).where(eq(runSteps.runId, id)).orderBy(asc(runSteps.seq)),
      db.select().from(messages).where(eq(messages.runId, id)).orderBy(asc(messages.createdAt)),
    ]);
    answer(res, contract.get, 200, {
      run,
      steps: steps.map((s) => ({
        nodeId: s.nodeId,
        seq: s.seq,
        enteredAt: s.enteredAt,
        leftAt: s.leftAt,
        outcome: s.outcome,
      })),
      messages: sent.map((m) => ({
        id: m.id,
        nodeId: m.nodeId,
        channel: m.channel,
        templateId: m.templateId,
        status: m.status,
        reason: m.reason,
        createdAt: m.createdAt,
        sentAt: m.sentAt,
      })),
    });
  });

  /**
   * Replays and answers in our words only: the SDK's message (`detail`) names files and internals of this server,
   * so it goes to the log, and `pnpm replay <file>` prints it for engineers.
   */
  async function replay(
    history: unknown,
    workflowId: string | undefined,
    unreadable: { status: number; code: string; path?: string },
  ): Promise<Omit<ReplayReport, 'detail'>> {
    try {
      const { detail, ...report } = await replayJourneyHistory(history, workflowId ? { workflowId } : {});
      if (detail) deps.logger.warn({ workflowId: report.workflowId, detail }, 'replay did not pass');
      return report;
    } catch (error) {
      if (!(error instanceof InvalidHistoryError)) throw error;
      deps.logger.warn(
        { workflowId, problem: error.message, detail: error.detail },
        'history not replayable',
      );
      throw new HttpError(
        unreadable.status,
        unreadable.code,
        error.message,
        unreadable.path ? { issues: [{ path: unreadable.path, message: error.message }] } : {},
      );
    }
  }

  async function loadRun(workspaceId: string, id: string) {
    const [run] = await db
      .select()
      .from(runs)
      .where(and(eq(runs.id, id), eq(runs.workspaceId, workspaceId)));
    if (!run) throw notFound('Run');
    return run;
  }

  /** The run's Temporal history, in the JSON shape `temporal workflow show -o json` prints. */
  router.get('/runs/:id/history', async (req, res) => {
    const { id } = parseInput(runIdParams, req.params, 'params');
    const run = await loadRun(workspaceOf(res), id);
    const history = await deps.temporal.workflow.getHandle(run.workflowId).fetchHistory();
    res.setHeader('content-disposition', `attachment; filename="run-${run.id}-history.json"`);
    res.type('application/json').send(historyToJSON(history));
  });

  /** Replays the run's history against the code this server runs: does it still make the same decisions? */
  router.post('/runs/:id/replay', async (req, res) => {
    const { id } = parseInput(runIdParams, req.params, 'params');
    const run = await loadRun(workspaceOf(res), id);
    const history = await deps.temporal.workflow.getHandle(run.workflowId).fetchHistory();
    // Temporal's own record, so an unreadable one is not the client's mistake: 422, not 400.
    answer(
      res,
      contract.replay,
      200,
      await replay(historyToJSON(history), run.workflowId, { status: 422, code: 'history_not_replayable' }),
    );
  });

  /** Replays an uploaded history (a file from production, say). */
  router.post('/replay', async (req, res) => {
    const body = parseInput(contract.replayUpload.body, req.body, 'body');
    answer(
      res,
      contract.replayUpload,
      200,
      await replay(body.history, body.workflowId, {
        status: 400,
        code: 'invalid_history',
        path: 'body.history',
      }),
    );
  });

  /** The journey entered, or 404: one that exists but is not live is refused later, when the starter says so. */
  async function enteredJourney(workspaceId: string, id: string): Promise<{ status: string }> {
    const [journey] = await db
      .select({ status: journeys.status })
      .from(journeys)
      .where(and(eq(journeys.id, id), eq(journeys.workspaceId, workspaceId)));
    if (!journey) throw notFound('Journey');
    return journey;
  }
  const notLive = (journey: { status: string }): HttpError =>
    new HttpError(
      409,
      'journey_not_live',
      journey.status === 'draft' || journey.status === 'live'
        ? 'Publish the journey before entering customers'
        : `The journey is ${journey.status}: nobody enters${journey.status === 'paused' ? ' until it resumes' : ''}`,
    );

  router.post('/journeys/:id/runs', async (req, res) => {
    const { id } = parseInput(contract.enter.params, req.params, 'params');
    const body = parseInput(contract.enter.body, req.body, 'body');
    const workspaceId = workspaceOf(res);
    const journey = await enteredJourney(workspaceId, id);
    const [customer] = await db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.workspaceId, workspaceId), eq(customers.externalId, body.customerExternalId)));
    if (!customer) {
      throw new HttpError(
        404,
        'customer_not_found',
        `No customer with external id ${body.customerExternalId}`,
        {
          issues: [{ path: 'body.customerExternalId', message: 'No such customer' }],
        },
      );
    }
    const result = await deps.starter.startRun({
      workspaceId,
      journeyId: id,
      customerId: customer.id,
      entryEvent: {
        eventId: `api:${Date.now()}`,
        name: 'api_entry',
        properties: body.properties,
        occurredAt: new Date().toISOString(),
      },
    });
    if (!result.started && result.reason === 'not_live') throw notLive(journey);
    // 201 when a run started; 200 when the customer was not entered (the reason says why).
    if (result.started) answer(res, contract.enter, 201, result);
    else answer(res, contract.enter, 200, result);
  });

  // Many customers at once: admitted together under the journey's lock, and from the cohort threshold on carried by
  // cohort workflows rather than a workflow each (docs/scale.md). All or nothing on bad input: an unknown customer
  // refuses the whole list, so a corrected retry enters each customer once.
  router.post('/journeys/:id/runs/batch', async (req, res) => {
    const { id } = parseInput(contract.enterMany.params, req.params, 'params');
    const { customerExternalIds } = parseInput(contract.enterMany.body, req.body, 'body');
    const workspaceId = workspaceOf(res);
    const journey = await enteredJourney(workspaceId, id);
    const found = await db
      .select({ id: customers.id, externalId: customers.externalId })
      .from(customers)
      .where(
        and(
          eq(customers.workspaceId, workspaceId),
          sql`${customers.externalId} = any(${sql.param(customerExternalIds)}::text[])`,
        ),
      );
    const idOf = new Map(found.map((c) => [c.externalId, c.id]));
    const unknown = customerExternalIds.flatMap((externalId, index) =>
      idOf.has(externalId)
        ? []
        : [{ path: `body.customerExternalIds.${index}`, message: 'No such customer' }],
    );
    if (unknown.length > 0)
      throw new HttpError(
        404,
        'customer_not_found',
        `${unknown.length.toLocaleString('en')} of the customers do not exist: nobody was entered`,
        // The first hundred are enough to find the mistake; the count says how many there are.
        { issues: unknown.slice(0, 100) },
      );
    const started = await deps.starter.startRuns({
      workspaceId,
      journeyId: id,
      entries: customerExternalIds.map((externalId) => ({ customerId: idOf.get(externalId)! })),
    });
    if (started.some((r) => !r.started && r.reason === 'not_live')) throw notLive(journey);
    const notEntered: Record<string, number> = {};
    for (const r of started) if (!r.started) notEntered[r.reason] = (notEntered[r.reason] ?? 0) + 1;
    answer(res, contract.enterMany, 200, {
      entered: started.filter((r) => r.started).length,
      notEntered,
      results: started.map((r, index) => ({ customerExternalId: customerExternalIds[index]!, ...r })),
    });
  });

  router.post('/runs/:id/remove', async (req, res) => {
    const { id } = parseInput(runIdParams, req.params, 'params');
    const { reason } = parseInput(contract.remove.body, req.body ?? {}, 'body');
    const removed = await removeFromRun(deps, { workspaceId: workspaceOf(res), runId: id });
    await recordAudit(db, res, {
      action: 'run.removed',
      entityType: 'run',
      entityId: id,
      after: { journeyId: removed.journeyId, customerId: removed.customerId, reason },
    });
    answer(res, contract.remove, 202, { runId: id, outcome: 'removed' });
  });

  return router;
}

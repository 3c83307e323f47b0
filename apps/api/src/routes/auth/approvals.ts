/**
 * Publish approvals: the reviewer's inbox, one request with the diff against the live version and the validation
 * result of exactly what would go live, approve (publishes that snapshot in the same transaction that records the
 * decision) and reject (a comment is required). Nobody approves their own request, except in single-user local
 * mode. Requests stay after the decision, with the version an approval published.
 */
import { Router } from 'express';
import { and, eq } from 'drizzle-orm';
import { journeyVersions, journeys } from '@wakeflow/db';
import {
  actorOf,
  decidePublishRequest,
  diffJourneys,
  getPublishRequest,
  listPublishRequests,
  personBehind,
  toPublicRequest,
  writeAudit,
} from '@wakeflow/auth';
import { approvalParams, approvalRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { recordAudit } from '../../http/audit-trail';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { principalOf, workspaceOf } from '../../http/workspace';
import { publishJourney, publishProblems } from '../../journeys/publish';
import { storedJourney } from '../../journeys/stored';
import type { AuthRouteDeps } from './context';

class NoLongerPendingError extends Error {}

export function approvalRoutes(deps: AuthRouteDeps): Router {
  const { db } = deps;
  const router = Router();

  async function load(workspaceId: string, id: string) {
    const found = await getPublishRequest(db, workspaceId, id);
    if (!found) throw notFound('Publish request');
    return found;
  }

  router.get('/approvals', async (req, res) => {
    const q = parseInput(contract.list.query, req.query, 'query');
    answer(res, contract.list, 200, { approvals: await listPublishRequests(db, workspaceOf(res), q) });
  });

  router.get('/journeys/:id/approvals', async (req, res) => {
    const { id } = parseInput(contract.ofJourney.params, req.params, 'params');
    const workspaceId = workspaceOf(res);
    const [journey] = await db
      .select({ id: journeys.id })
      .from(journeys)
      .where(and(eq(journeys.id, id), eq(journeys.workspaceId, workspaceId)));
    if (!journey) throw notFound('Journey');
    answer(res, contract.ofJourney, 200, {
      approvals: await listPublishRequests(db, workspaceId, { journeyId: id, limit: 200 }),
    });
  });

  router.get('/approvals/:id', async (req, res) => {
    const { id } = parseInput(approvalParams, req.params, 'params');
    const workspaceId = workspaceOf(res);
    const { row, journeyName } = await load(workspaceId, id);
    const [journey] = await db
      .select({ liveVersion: journeys.liveVersion })
      .from(journeys)
      .where(eq(journeys.id, row.journeyId));
    // Diff against what is live now (it may have moved since the request), falling back to the base of the request.
    const against = journey?.liveVersion ?? row.baseVersion;
    const [base] =
      against === null || against === undefined
        ? []
        : await db
            .select({ graph: journeyVersions.graph, plan: journeyVersions.plan })
            .from(journeyVersions)
            .where(
              and(
                eq(journeyVersions.journeyId, row.journeyId),
                eq(journeyVersions.version, against),
                eq(journeyVersions.workspaceId, workspaceId),
              ),
            );
    const baseSettings = (base?.plan as { settings?: Record<string, unknown> } | undefined)?.settings ?? {};
    // The checks the approval runs, so the reviewer sees what would refuse it.
    const problems = await publishProblems(deps, workspaceId, { graph: row.graph, settings: row.settings });
    answer(res, contract.get, 200, {
      approval: toPublicRequest(row, journeyName),
      liveVersion: journey?.liveVersion ?? null,
      diffAgainstVersion: base ? against : null,
      diff: diffJourneys(base ? { graph: base.graph, settings: baseSettings } : null, {
        graph: row.graph,
        settings: row.settings,
      }),
      validation: { valid: problems.length === 0, problems },
      ...storedJourney(row.graph, row.settings),
    });
  });

  router.post('/approvals/:id/approve', async (req, res) => {
    const { id } = parseInput(approvalParams, req.params, 'params');
    const { comment } = parseInput(contract.approve.body, req.body ?? {}, 'body');
    const workspaceId = workspaceOf(res);
    const principal = principalOf(res);
    const actor = actorOf(principal);
    const { row, journeyName } = await load(workspaceId, id);
    if (row.status !== 'pending')
      throw new HttpError(409, 'not_pending', `This request is already ${row.status}`);
    if (
      principal.kind !== 'local' &&
      (await personBehind(db, row.requestedBy)) === (await personBehind(db, actor))
    )
      throw new HttpError(403, 'own_request', 'Someone else must review your own publish request');
    try {
      const published = await publishJourney(deps, {
        workspaceId,
        journeyId: row.journeyId,
        source: { kind: 'snapshot', graph: row.graph, settings: row.settings },
        publishedBy: actor,
        withinTransaction: async (tx, version) => {
          if (
            !(await decidePublishRequest(tx, {
              workspaceId,
              id,
              status: 'approved',
              decidedBy: actor,
              comment,
              version: version.version,
            }))
          ) {
            throw new NoLongerPendingError();
          }
          await writeAudit(tx, {
            workspaceId,
            actor,
            action: 'publish.approved',
            entityType: 'journey',
            entityId: row.journeyId,
            after: { requestId: id, version: version.version, comment },
          });
          await writeAudit(tx, {
            workspaceId,
            actor,
            action: 'journey.published',
            entityType: 'journey',
            entityId: row.journeyId,
            after: { version: version.version, planHash: version.planHash, requestId: id },
          });
        },
      });
      res.locals.audited = true;
      const after = (await load(workspaceId, id)).row;
      answer(res, contract.approve, 200, {
        approval: toPublicRequest(after, journeyName),
        version: published.version,
        planHash: published.planHash,
      });
    } catch (error) {
      if (error instanceof NoLongerPendingError)
        throw new HttpError(409, 'not_pending', 'Someone decided on this request a moment ago');
      throw error;
    }
  });

  router.post('/approvals/:id/reject', async (req, res) => {
    const { id } = parseInput(approvalParams, req.params, 'params');
    const { comment } = parseInput(contract.reject.body, req.body ?? {}, 'body');
    const workspaceId = workspaceOf(res);
    const principal = principalOf(res);
    const { row, journeyName } = await load(workspaceId, id);
    if (row.status !== 'pending')
      throw new HttpError(409, 'not_pending', `This request is already ${row.status}`);
    if (
      !(await decidePublishRequest(db, {
        workspaceId,
        id,
        status: 'rejected',
        decidedBy: actorOf(principal),
        comment,
      }))
    ) {
      throw new HttpError(409, 'not_pending', 'Someone decided on this request a moment ago');
    }
    await recordAudit(db, res, {
      action: 'publish.rejected',
      entityType: 'journey',
      entityId: row.journeyId,
      after: { requestId: id, comment },
    });
    answer(res, contract.reject, 200, {
      approval: toPublicRequest((await load(workspaceId, id)).row, journeyName),
    });
  });

  return router;
}

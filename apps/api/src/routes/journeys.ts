/** Journeys: drafts (with revision checks), validation, publishing immutable versions, version history, live counts. */
import { Router } from 'express';
import { and, asc, count, desc, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import { journeyGraphSchema, journeyLifecycle, type Launch } from '@wakeflow/journey';
import { journeyIdParams, journeyRoutes as contract } from '@wakeflow/contracts';
import {
  DraftConflictError,
  journeyDailyRollups,
  journeyVersions,
  journeys,
  runSteps,
  runs,
  saveJourneyDraft,
} from '@wakeflow/db';
import { journeyTemplates } from '@wakeflow/catalog';
import { actorOf, createPublishRequest, readWorkspace, toPublicRequest } from '@wakeflow/auth';
import type { ApiDeps } from '../deps';
import { assertPublishable, draftConflict, draftProblems, publishJourney } from '../journeys/publish';
import { storedJourney } from '../journeys/stored';
import { LIFECYCLE_PAST, changeLifecycle, liveLaunch } from '../journeys/lifecycle';
import { recordAudit } from '../http/audit-trail';
import { answer } from '../http/answer';
import { HttpError, notFound, parseInput } from '../http/errors';
import { principalOf, workspaceOf } from '../http/workspace';

function journeyDetail(row: typeof journeys.$inferSelect, launch?: Launch) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    lifecycle: journeyLifecycle(row.status, launch, new Date()),
    liveVersion: row.liveVersion,
    tags: row.tags,
    draft: { ...storedJourney(row.draftGraph, row.draftSettings), revision: row.draftRevision },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function journeyRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  async function loadJourney(workspaceId: string, id: string) {
    const [row] = await db
      .select()
      .from(journeys)
      .where(and(eq(journeys.id, id), eq(journeys.workspaceId, workspaceId)));
    if (!row) throw notFound('Journey');
    return row;
  }

  router.get('/journeys', async (req, res) => {
    const { archived } = parseInput(contract.list.query, req.query, 'query');
    // To date, every version, from the analytics rollups (one row per journey, version, day, holdout and arm): one
    // pass over them, grouped per journey.
    const toDate = db
      .select({
        journeyId: journeyDailyRollups.journeyId,
        entered: sql<number>`sum(${journeyDailyRollups.entered})::int`.as('entered'),
        treated:
          sql<number>`(sum(${journeyDailyRollups.entered}) filter (where not ${journeyDailyRollups.holdout}))::int`.as(
            'treated',
          ),
        convertedTreated:
          sql<number>`(sum(${journeyDailyRollups.converted}) filter (where not ${journeyDailyRollups.holdout}))::int`.as(
            'converted_treated',
          ),
      })
      .from(journeyDailyRollups)
      .where(eq(journeyDailyRollups.workspaceId, workspaceOf(res)))
      .groupBy(journeyDailyRollups.journeyId)
      .as('to_date');
    const rows = await db
      .select({
        id: journeys.id,
        name: journeys.name,
        description: journeys.description,
        status: journeys.status,
        liveVersion: journeys.liveVersion,
        draftRevision: journeys.draftRevision,
        tags: journeys.tags,
        updatedAt: journeys.updatedAt,
        launch: sql<Launch | null>`${journeyVersions.plan} -> 'settings' -> 'launch'`,
        entered: sql<number>`coalesce(${toDate.entered}, 0)`,
        treated: sql<number>`coalesce(${toDate.treated}, 0)`,
        convertedTreated: sql<number>`coalesce(${toDate.convertedTreated}, 0)`,
      })
      .from(journeys)
      .leftJoin(toDate, eq(toDate.journeyId, journeys.id))
      .leftJoin(
        journeyVersions,
        and(eq(journeyVersions.journeyId, journeys.id), eq(journeyVersions.version, journeys.liveVersion)),
      )
      .where(
        and(
          eq(journeys.workspaceId, workspaceOf(res)),
          archived ? eq(journeys.status, 'archived') : ne(journeys.status, 'archived'),
        ),
      )
      .orderBy(desc(journeys.updatedAt));
    const now = new Date();
    answer(res, contract.list, 200, {
      journeys: rows.map(({ launch, treated, convertedTreated, ...row }) => ({
        ...row,
        lifecycle: journeyLifecycle(row.status, launch ?? undefined, now),
        reactivationRate: treated > 0 ? convertedTreated / treated : null,
      })),
    });
  });

  router.post('/journeys', async (req, res) => {
    const body = parseInput(contract.create.body, req.body, 'body');
    let graph: Record<string, unknown> = body.graph ?? { nodes: [], edges: [] };
    let settings: Record<string, unknown> = body.settings ?? {};
    if (body.templateId !== undefined) {
      const template = journeyTemplates.find((t) => t.id === body.templateId);
      if (!template)
        throw new HttpError(400, 'invalid_request', 'Unknown template', {
          issues: [{ path: 'body.templateId', message: `No template “${body.templateId}”` }],
        });
      graph = journeyGraphSchema.parse(template.graph);
      settings = { ...template.settings };
    }
    const [row] = await db
      .insert(journeys)
      .values({
        workspaceId: workspaceOf(res),
        name: body.name,
        description: body.description,
        tags: body.tags ?? [],
        draftGraph: graph,
        draftSettings: settings,
      })
      .returning();
    await recordAudit(db, res, {
      action: 'journey.created',
      entityType: 'journey',
      entityId: row!.id,
      after: { name: row!.name, description: row!.description, templateId: body.templateId ?? null },
    });
    answer(res, contract.create, 201, journeyDetail(row!));
  });

  router.get('/journeys/:id', async (req, res) => {
    const { id } = parseInput(journeyIdParams, req.params, 'params');
    const row = await loadJourney(workspaceOf(res), id);
    answer(res, contract.get, 200, journeyDetail(row, await liveLaunch(deps, id, row.liveVersion)));
  });

  router.post('/journeys/:id/lifecycle', async (req, res) => {
    const { id } = parseInput(journeyIdParams, req.params, 'params');
    const { action } = parseInput(contract.lifecycle.body, req.body ?? {}, 'body');
    const changed = await changeLifecycle(deps, { workspaceId: workspaceOf(res), journeyId: id, action });
    await recordAudit(db, res, {
      action: `journey.${LIFECYCLE_PAST[action]}`,
      entityType: 'journey',
      entityId: id,
      before: { status: changed.before },
      after: { status: changed.status, runsSignalled: changed.runsSignalled },
    });
    deps.logger.info(
      { journeyId: id, action, runsSignalled: changed.runsSignalled },
      'journey lifecycle changed',
    );
    answer(res, contract.lifecycle, 200, {
      status: changed.status,
      lifecycle: changed.lifecycle,
      runsSignalled: changed.runsSignalled,
    });
  });

  router.post('/journeys/:id/duplicate', async (req, res) => {
    const { id } = parseInput(journeyIdParams, req.params, 'params');
    const body = parseInput(contract.duplicate.body, req.body ?? {}, 'body');
    const source = await loadJourney(workspaceOf(res), id);
    const [row] = await db
      .insert(journeys)
      .values({
        workspaceId: workspaceOf(res),
        name: body.name ?? `${source.name} (copy)`,
        description: source.description,
        tags: source.tags,
        draftGraph: source.draftGraph,
        draftSettings: source.draftSettings,
      })
      .returning();
    await recordAudit(db, res, {
      action: 'journey.duplicated',
      entityType: 'journey',
      entityId: row!.id,
      after: { name: row!.name, from: id },
    });
    answer(res, contract.duplicate, 201, journeyDetail(row!));
  });

  router.patch('/journeys/:id', async (req, res) => {
    const { id } = parseInput(journeyIdParams, req.params, 'params');
    const body = parseInput(contract.rename.body, req.body, 'body');
    const before = await loadJourney(workspaceOf(res), id);
    const [row] = await db
      .update(journeys)
      .set({ ...body, updatedAt: new Date() })
      .where(and(eq(journeys.id, id), eq(journeys.workspaceId, workspaceOf(res))))
      .returning();
    await recordAudit(db, res, {
      action: 'journey.changed',
      entityType: 'journey',
      entityId: id,
      before: { name: before.name, description: before.description, tags: before.tags },
      after: { name: row!.name, description: row!.description, tags: row!.tags },
    });
    answer(res, contract.rename, 200, journeyDetail(row!));
  });

  router.put('/journeys/:id/draft', async (req, res) => {
    const { id } = parseInput(journeyIdParams, req.params, 'params');
    const body = parseInput(contract.saveDraft.body, req.body, 'body');
    // A draft keeps whatever the manager typed, half-filled settings too: validate reports them, publish refuses.
    try {
      const revision = await saveJourneyDraft(db, {
        workspaceId: workspaceOf(res),
        journeyId: id,
        revision: body.revision,
        graph: body.graph,
        settings: body.settings,
      });
      if (revision === undefined) throw notFound('Journey');
      await recordAudit(db, res, {
        action: 'journey.draft_saved',
        entityType: 'journey',
        entityId: id,
        before: { revision: body.revision },
        after: { revision, settings: body.settings },
      });
      answer(res, contract.saveDraft, 200, { revision });
    } catch (error) {
      if (error instanceof DraftConflictError) {
        throw new HttpError(
          409,
          'draft_conflict',
          'Someone else saved this journey since you opened it. Reload to see their changes.',
          {
            currentRevision: error.currentRevision,
          },
        );
      }
      throw error;
    }
  });

  router.post('/journeys/:id/validate', async (req, res) => {
    const { id } = parseInput(journeyIdParams, req.params, 'params');
    const body = parseInput(contract.validate.body, req.body ?? {}, 'body');
    const journey = await loadJourney(workspaceOf(res), id);
    const problems = await draftProblems(deps, workspaceOf(res), {
      graph: body.graph ?? journey.draftGraph,
      settings: body.settings ?? journey.draftSettings,
    });
    answer(res, contract.validate, 200, { problems });
  });

  router.post('/journeys/:id/publish', async (req, res) => {
    const { id } = parseInput(journeyIdParams, req.params, 'params');
    const body = parseInput(contract.publish.body, req.body ?? {}, 'body');
    const workspaceId = workspaceOf(res);
    const principal = principalOf(res);
    const workspace = await readWorkspace(db, workspaceId);
    if (workspace?.settings.requirePublishApproval) {
      // Approval required: a draft that passes the publish checks becomes a request; the reviewer's approval
      // publishes it through the same use case, which checks it again.
      const journey = await loadJourney(workspaceId, id);
      if (body.revision !== undefined && journey.draftRevision !== body.revision)
        throw draftConflict(journey.draftRevision);
      await assertPublishable(deps, workspaceId, {
        graph: journey.draftGraph,
        settings: journey.draftSettings,
      });
      const { request, superseded } = await createPublishRequest(db, {
        workspaceId,
        journeyId: id,
        draftRevision: journey.draftRevision,
        graph: journey.draftGraph,
        settings: journey.draftSettings,
        baseVersion: journey.liveVersion,
        requestedBy: actorOf(principal),
        comment: body.comment,
      });
      await recordAudit(db, res, {
        action: 'publish.requested',
        entityType: 'journey',
        entityId: id,
        after: { requestId: request.id, revision: journey.draftRevision, superseded },
      });
      answer(res, contract.publish, 202, {
        approvalRequired: true,
        approval: toPublicRequest(request, journey.name),
      });
      return;
    }
    const published = await publishJourney(deps, {
      workspaceId,
      journeyId: id,
      source: { kind: 'draft', ...(body.revision !== undefined ? { revision: body.revision } : {}) },
      publishedBy: actorOf(principal),
    });
    await recordAudit(db, res, {
      action: 'journey.published',
      entityType: 'journey',
      entityId: id,
      after: { version: published.version, planHash: published.planHash },
    });
    deps.logger.info({ journeyId: id, version: published.version }, 'journey published');
    answer(res, contract.publish, 201, { version: published.version, planHash: published.planHash });
  });

  router.get('/journeys/:id/versions', async (req, res) => {
    const { id } = parseInput(journeyIdParams, req.params, 'params');
    await loadJourney(workspaceOf(res), id);
    const rows = await db
      .select({
        version: journeyVersions.version,
        planHash: journeyVersions.planHash,
        publishedAt: journeyVersions.publishedAt,
        publishedBy: journeyVersions.publishedBy,
      })
      .from(journeyVersions)
      .where(and(eq(journeyVersions.journeyId, id), eq(journeyVersions.workspaceId, workspaceOf(res))))
      .orderBy(desc(journeyVersions.version));
    answer(res, contract.versions, 200, { versions: rows });
  });

  router.get('/journeys/:id/versions/:version', async (req, res) => {
    const { id, version } = parseInput(contract.version.params, req.params, 'params');
    const [row] = await db
      .select()
      .from(journeyVersions)
      .where(
        and(
          eq(journeyVersions.journeyId, id),
          eq(journeyVersions.version, version),
          eq(journeyVersions.workspaceId, workspaceOf(res)),
        ),
      );
    if (!row) throw notFound('Version');
    const plan = row.plan as { settings?: unknown };
    answer(res, contract.version, 200, {
      version: row.version,
      ...storedJourney(row.graph, plan.settings),
      plan: row.plan,
      planHash: row.planHash,
      publishedAt: row.publishedAt,
    });
  });

  router.get('/journeys/:id/stats', async (req, res) => {
    const { id } = parseInput(journeyIdParams, req.params, 'params');
    const { version } = parseInput(contract.stats.query, req.query, 'query');
    const journey = await loadJourney(workspaceOf(res), id);
    const v = version ?? journey.liveVersion;
    if (v === null || v === undefined) {
      answer(res, contract.stats, 200, { version: null, nodes: {}, outcomes: {}, exits: {} });
      return;
    }
    const scope = and(eq(runs.journeyId, id), eq(runs.version, v), eq(runs.workspaceId, workspaceOf(res)));
    const stepRows = await db
      .select({
        nodeId: runSteps.nodeId,
        outcome: runSteps.outcome,
        entered: count(),
        waiting:
          sql<number>`count(*) filter (where ${runSteps.leftAt} is null and ${runs.status} = 'running')`.mapWith(
            Number,
          ),
        passed: sql<number>`count(*) filter (where ${runSteps.leftAt} is not null)`.mapWith(Number),
      })
      .from(runSteps)
      .innerJoin(runs, eq(runs.id, runSteps.runId))
      .where(scope)
      .groupBy(runSteps.nodeId, runSteps.outcome)
      .orderBy(asc(runSteps.nodeId));
    const nodes: Record<string, { entered: number; waiting: number; passed: number }> = {};
    const outcomes: Record<string, Record<string, number>> = {};
    for (const row of stepRows) {
      const n = (nodes[row.nodeId] ??= { entered: 0, waiting: 0, passed: 0 });
      n.entered += row.entered;
      n.waiting += row.waiting;
      n.passed += row.passed;
      if (row.outcome !== null) (outcomes[row.nodeId] ??= {})[row.outcome] = row.entered;
    }
    const exitRows = await db
      .select({ outcome: runs.outcome, n: count() })
      .from(runs)
      .where(and(scope, isNotNull(runs.outcome)))
      .groupBy(runs.outcome);
    const [running] = await db
      .select({ n: count() })
      .from(runs)
      .where(and(scope, isNull(runs.endedAt)));
    // Runs that ended without an exit (failed, cancelled, terminated, timed out) have no outcome: counted apart.
    const endedRows = await db
      .select({ status: runs.status, n: count() })
      .from(runs)
      .where(and(scope, isNotNull(runs.endedAt), isNull(runs.outcome)))
      .groupBy(runs.status);
    // Each send step's messages and what became of them, from the channel events the sender and the tracking links
    // record under deterministic ids (`msg:<id>:delivered`, `…:opened`, `…:clicked:<link>`): index lookups, no scan.
    const messageRows = await db.execute<{
      node_id: string;
      sent: number;
      delivered: number;
      opened: number;
      clicked: number;
    }>(sql`
      select m.node_id,
        count(*) filter (where m.status = 'sent')::int as sent,
        count(*) filter (where exists (select 1 from events e where e.workspace_id = m.workspace_id
          and e.event_id = 'msg:' || m.id::text || ':delivered'))::int as delivered,
        count(*) filter (where exists (select 1 from events e where e.workspace_id = m.workspace_id
          and e.event_id = 'msg:' || m.id::text || ':opened'))::int as opened,
        count(*) filter (where exists (select 1 from events e where e.workspace_id = m.workspace_id
          and e.event_id >= 'msg:' || m.id::text || ':clicked:' and e.event_id < 'msg:' || m.id::text || ':clicked;'))::int as clicked
      from messages m join runs r on r.id = m.run_id
      where r.journey_id = ${id} and r.version = ${v} and r.workspace_id = ${workspaceOf(res)}
        and m.node_id is not null and not m.is_test
      group by m.node_id`);
    const messageCounts = Object.fromEntries(
      messageRows.rows.map((r) => [
        r.node_id,
        { sent: r.sent, delivered: r.delivered, opened: r.opened, clicked: r.clicked },
      ]),
    );
    answer(res, contract.stats, 200, {
      version: v,
      running: running?.n ?? 0,
      nodes,
      outcomes,
      messages: messageCounts,
      exits: Object.fromEntries(exitRows.map((r) => [r.outcome!, r.n])),
      ended: Object.fromEntries(endedRows.map((r) => [r.status, r.n])),
    });
  });

  return router;
}

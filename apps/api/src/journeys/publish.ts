/**
 * The one way a journey goes live, used by the direct publish and by an approved publish request, so both run the
 * same checks: the graph's validation (every template, segment and coupon pool a step names must exist), the
 * templates its steps use, and the measurement settings. The version is
 * stored in one transaction together with the caller's hook (e.g. recording the approval).
 *
 * The trigger's Temporal Schedule is synced after the commit, best effort: when Temporal is unreachable the
 * publish still stands and the worker's schedule reconciler (`reconcileAudienceSchedules`) repairs it on its next pass.
 */
import { eq, and } from 'drizzle-orm';
import {
  JourneyInvalidError,
  journeyGraphSchema,
  validateJourney,
  type Problem,
  type ValidationContext,
} from '@wakeflow/journey';
import {
  couponPools,
  DraftConflictError,
  NothingChangedError,
  journeys,
  publishJourneyDraft,
  segments,
  templates,
  type Database,
  type PublishTransaction,
  type PublishedVersion,
} from '@wakeflow/db';
import { checkTemplatesForPublish } from '@wakeflow/channels';
import { checkMeasurementSettings } from '@wakeflow/analytics';
import type { ApiDeps } from '../deps';
import { HttpError, notFound } from '../http/errors';

export type PublishDeps = Pick<ApiDeps, 'db' | 'catalog' | 'logger' | 'schedules'>;

export interface JourneySource {
  graph: Record<string, unknown>;
  settings: Record<string, unknown>;
}

/** Ids that exist in the workspace, so validation can name a missing template, segment or coupon pool. */
export async function validationContext(db: Database, workspaceId: string): Promise<ValidationContext> {
  const [templateRows, segmentRows, poolRows] = await Promise.all([
    db.select({ id: templates.id }).from(templates).where(eq(templates.workspaceId, workspaceId)),
    db.select({ id: segments.id }).from(segments).where(eq(segments.workspaceId, workspaceId)),
    db.select({ id: couponPools.id }).from(couponPools).where(eq(couponPools.workspaceId, workspaceId)),
  ]);
  return {
    templateIds: new Set(templateRows.map((r) => r.id)),
    segmentIds: new Set(segmentRows.map((r) => r.id)),
    couponPoolIds: new Set(poolRows.map((r) => r.id)),
  };
}

/**
 * The publish check of the templates a draft's steps use (existing ones; a missing template is validateJourney's
 * `unknown_template`): a template with parse errors or unknown variables, for another channel, or reading
 * `steps.<id>` of a step the journey does not have, is a problem on each step that uses it.
 */
async function templatePublishProblems(
  deps: PublishDeps,
  workspaceId: string,
  graph: unknown,
  existing: ReadonlySet<string> | undefined,
): Promise<Problem[]> {
  const parsed = journeyGraphSchema.safeParse(graph);
  if (!parsed.success) return []; // validateJourney reports a malformed graph
  const uses: { nodeId: string; templateId: string; channel?: string }[] = [];
  for (const node of parsed.data.nodes) {
    const spec = deps.catalog.get(node.type);
    const config = spec?.configSchema.safeParse(node.config);
    if (!spec || !config?.success) continue;
    const channel = (config.data as { channel?: unknown }).channel;
    for (const templateId of spec.references?.(config.data).templateIds ?? []) {
      if (!existing || existing.has(templateId))
        uses.push({ nodeId: node.id, templateId, ...(typeof channel === 'string' ? { channel } : {}) });
    }
  }
  const problems = [];
  const stepIds = new Set(parsed.data.nodes.map((n) => n.id));
  for (const use of uses) {
    for (const p of await checkTemplatesForPublish(deps.db, workspaceId, [use], stepIds)) {
      const first = p.problems[0];
      problems.push({
        code: 'invalid_config' as const,
        nodeId: use.nodeId,
        path: 'config.templateId',
        message: first
          ? `${p.message}: ${first.field} line ${first.line}, column ${first.column}: ${first.message}`
          : p.message,
        templateId: p.templateId,
        templateProblems: p.problems,
      });
    }
  }
  return problems;
}

/**
 * Everything that keeps `source` from going live, or nothing. Measurement settings come alone (the graph's
 * validation checks the settings' shape too, which would name the same field twice); otherwise the graph's
 * problems and its templates' problems together.
 */
export async function publishProblems(
  deps: PublishDeps,
  workspaceId: string,
  source: JourneySource,
  context?: ValidationContext,
): Promise<Problem[]> {
  // What counts as a conversion must make sense before anyone is entered (window of 0, unknown event…).
  const measurement = await checkMeasurementSettings(deps.db, workspaceId, source.settings);
  if (measurement.length > 0) return measurement;
  const ctx = context ?? (await validationContext(deps.db, workspaceId));
  // A journey cannot go live with a template that would fail at send time.
  return [
    ...validateJourney(source.graph, deps.catalog, ctx, source.settings).problems,
    ...(await templatePublishProblems(deps, workspaceId, source.graph, ctx.templateIds)),
  ];
}

/**
 * Everything `publishProblems` would refuse, all at once, for the editor's problems panel while the manager edits:
 * the graph's and settings' shape, measurement settings that name an event never received (a mistyped conversion
 * event), and broken templates. So the panel never says "Ready to publish" about a draft publish would refuse.
 */
export async function draftProblems(
  deps: PublishDeps,
  workspaceId: string,
  source: { graph: unknown; settings: unknown },
  context?: ValidationContext,
): Promise<Problem[]> {
  const ctx = context ?? (await validationContext(deps.db, workspaceId));
  const validation = validateJourney(source.graph, deps.catalog, ctx, source.settings).problems;
  // Both checks word the settings' shape the same way (zod's issues under `settings`): name each once.
  const named = new Set(validation.map((p) => `${p.path}\u0000${p.message}`));
  const measurement = (await checkMeasurementSettings(deps.db, workspaceId, source.settings)).filter(
    (p) => !named.has(`${p.path}\u0000${p.message}`),
  );
  return [
    ...validation,
    ...measurement,
    ...(await templatePublishProblems(deps, workspaceId, source.graph, ctx.templateIds)),
  ];
}

export function journeyInvalid(problems: Problem[]): HttpError {
  return new HttpError(422, 'journey_invalid', new JourneyInvalidError(problems).message, { problems });
}

export function draftConflict(currentRevision: number): HttpError {
  return new HttpError(
    409,
    'draft_conflict',
    'The draft changed since you opened it; reload before publishing',
    {
      currentRevision,
    },
  );
}

/** Answers 422 naming every problem when `source` cannot go live. */
export async function assertPublishable(
  deps: PublishDeps,
  workspaceId: string,
  source: JourneySource,
  context?: ValidationContext,
): Promise<void> {
  const problems = await publishProblems(deps, workspaceId, source, context);
  if (problems.length > 0) throw journeyInvalid(problems);
}

export async function publishJourney(
  deps: PublishDeps,
  input: {
    workspaceId: string;
    journeyId: string;
    /**
     * The current draft (at `revision`, when given: a stale one is a 409), or a reviewed snapshot (an approved
     * publish request publishes exactly what was reviewed).
     */
    source: { kind: 'draft'; revision?: number } | ({ kind: 'snapshot' } & JourneySource);
    publishedBy: string;
    /** Runs inside the publishing transaction; throwing rolls the publish back. */
    withinTransaction?: (tx: PublishTransaction, published: PublishedVersion) => Promise<void>;
  },
): Promise<PublishedVersion> {
  const { db, catalog } = deps;
  const { workspaceId, journeyId } = input;
  const [journey] = await db
    .select({
      draftGraph: journeys.draftGraph,
      draftSettings: journeys.draftSettings,
      draftRevision: journeys.draftRevision,
    })
    .from(journeys)
    .where(and(eq(journeys.id, journeyId), eq(journeys.workspaceId, workspaceId)));
  if (!journey) throw notFound('Journey');
  const source = input.source;
  if (source.kind === 'draft' && source.revision !== undefined && source.revision !== journey.draftRevision)
    throw draftConflict(journey.draftRevision);
  const checked =
    source.kind === 'snapshot'
      ? { graph: source.graph, settings: source.settings }
      : { graph: journey.draftGraph, settings: journey.draftSettings };
  const context = await validationContext(db, workspaceId);
  await assertPublishable(deps, workspaceId, checked, context);

  let published: PublishedVersion | undefined;
  try {
    published = await publishJourneyDraft(db, catalog, {
      workspaceId,
      journeyId,
      // Exactly what was checked goes live: a draft saved meanwhile is a 409, not an unchecked publish.
      source: checked,
      ...(source.kind === 'draft' ? { revision: journey.draftRevision } : {}),
      publishedBy: input.publishedBy,
      context,
      ...(input.withinTransaction ? { withinTransaction: input.withinTransaction } : {}),
    });
  } catch (error) {
    if (error instanceof JourneyInvalidError) throw journeyInvalid(error.problems);
    if (error instanceof DraftConflictError) throw draftConflict(error.currentRevision);
    if (error instanceof NothingChangedError)
      throw new HttpError(409, 'nothing_changed', `Nothing changed since version ${error.version}`, {
        version: error.version,
      });
    throw error;
  }
  if (!published) throw notFound('Journey');

  try {
    await deps.schedules?.sync({ workspaceId, journeyId, plan: published.plan });
    // A newly published audience journey is checked at once, not at the end of its first interval.
    if (published.plan.trigger.type === 'audience_trigger')
      await deps.schedules?.checkNow({ workspaceId, journeyId });
  } catch (error) {
    // The version is live; the worker's schedule reconciler creates or fixes the schedule on its next pass.
    deps.logger.warn(
      { err: error, workspaceId, journeyId, version: published.version },
      'journey published, but its schedule could not be synced now; the schedule reconciler will repair it',
    );
  }
  return published;
}

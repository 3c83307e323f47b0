/**
 * Journey drafts and versions. A draft save names the revision it was based on, so two editors never overwrite
 * each other silently; publishing compiles the draft into a new immutable version in one transaction.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import {
  compileJourney,
  planListensTo,
  planTriggerEvent,
  type NodeCatalogView,
  type Plan,
  type ValidationContext,
} from '@wakeflow/journey';
import type { Database } from '../client';
import { journeyVersions, journeys } from '../schema/index';

/** Publishing a draft whose plan is the live version's: nothing would change. */
export class NothingChangedError extends Error {
  constructor(readonly version: number) {
    super(`Nothing changed since version ${version}`);
    this.name = 'NothingChangedError';
  }
}

export class DraftConflictError extends Error {
  constructor(readonly currentRevision: number) {
    super(`The draft was changed by someone else (now at revision ${currentRevision})`);
    this.name = 'DraftConflictError';
  }
}

export async function saveJourneyDraft(
  db: Database,
  input: {
    workspaceId: string;
    journeyId: string;
    revision: number;
    graph: Record<string, unknown>;
    settings: Record<string, unknown>;
  },
): Promise<number | undefined> {
  const [updated] = await db
    .update(journeys)
    .set({
      draftGraph: input.graph,
      draftSettings: input.settings,
      draftRevision: sql`${journeys.draftRevision} + 1`,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(journeys.id, input.journeyId),
        eq(journeys.workspaceId, input.workspaceId),
        eq(journeys.draftRevision, input.revision),
      ),
    )
    .returning({ revision: journeys.draftRevision });
  if (updated) return updated.revision;
  const [current] = await db
    .select({ revision: journeys.draftRevision })
    .from(journeys)
    .where(and(eq(journeys.id, input.journeyId), eq(journeys.workspaceId, input.workspaceId)));
  if (!current) return undefined;
  throw new DraftConflictError(current.revision);
}

export type PublishTransaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface PublishedVersion {
  version: number;
  planHash: string;
  plan: Plan;
}

/** Compiles the current draft (at `revision`, when given) and makes it the live version. */
export async function publishJourneyDraft(
  db: Database,
  catalog: NodeCatalogView,
  input: {
    workspaceId: string;
    journeyId: string;
    revision?: number;
    publishedBy?: string;
    context?: ValidationContext;
    /** Publish this snapshot instead of the current draft (an approved publish request publishes what was reviewed). */
    source?: { graph: Record<string, unknown>; settings: Record<string, unknown> };
    /** Runs inside the publishing transaction (e.g. recording the approval); throwing rolls the publish back. */
    withinTransaction?: (tx: PublishTransaction, published: PublishedVersion) => Promise<void>;
  },
): Promise<PublishedVersion | undefined> {
  return db.transaction(async (tx) => {
    const [journey] = await tx
      .select()
      .from(journeys)
      .where(and(eq(journeys.id, input.journeyId), eq(journeys.workspaceId, input.workspaceId)))
      .for('update');
    if (!journey) return undefined;
    if (input.revision !== undefined && journey.draftRevision !== input.revision)
      throw new DraftConflictError(journey.draftRevision);
    const graph = input.source?.graph ?? journey.draftGraph;
    const settings = input.source?.settings ?? journey.draftSettings;
    const plan = compileJourney(graph, settings, catalog, input.context);
    const [last] = await tx
      .select({ version: journeyVersions.version, planHash: journeyVersions.planHash })
      .from(journeyVersions)
      .where(eq(journeyVersions.journeyId, journey.id))
      .orderBy(desc(journeyVersions.version))
      .limit(1);
    // A live (or paused) journey whose draft compiles to its newest version would only get a copy of it. A stopped
    // or archived one may be published unchanged: that relaunches it.
    if (
      last &&
      last.planHash === plan.hash &&
      last.version === journey.liveVersion &&
      (journey.status === 'live' || journey.status === 'paused')
    )
      throw new NothingChangedError(last.version);
    const version = (last?.version ?? 0) + 1;
    await tx.insert(journeyVersions).values({
      workspaceId: input.workspaceId,
      journeyId: journey.id,
      version,
      graph,
      plan: plan,
      planHash: plan.hash,
      triggerType: plan.trigger.type,
      triggerEvent: planTriggerEvent(plan),
      listensTo: planListensTo(plan),
      publishedBy: input.publishedBy ?? null,
    });
    await tx
      .update(journeys)
      // A paused journey stays paused with its new version; any other goes live.
      .set({
        liveVersion: version,
        status: journey.status === 'paused' ? 'paused' : 'live',
        updatedAt: new Date(),
      })
      .where(eq(journeys.id, journey.id));
    const published = { version, planHash: plan.hash, plan };
    await input.withinTransaction?.(tx, published);
    return published;
  });
}

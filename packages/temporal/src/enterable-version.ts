/**
 * Which version of a journey a customer enters now, read once for a single start or a whole bulk entry: the live
 * version (or the one asked for), its plan, and the experiment winners that reach each run as input so the workflow
 * never reads them itself. Null when nobody may enter.
 */
import { and, eq } from 'drizzle-orm';
import { planSchema, type Plan } from '@wakeflow/journey';
import { experiments, journeys, journeyVersions, type Database } from '@wakeflow/db';

/** Journey states in which nobody enters, whichever trigger asks. */
const CLOSED_TO_ENTRIES: readonly string[] = ['paused', 'stopped', 'archived'];

export interface EnterableVersion {
  version: number;
  plan: Plan;
  /** The winning arm by split step, when the version has decided experiments. */
  forcedArms?: Record<string, string>;
}

export async function findEnterableVersion(
  db: Database,
  request: { workspaceId: string; journeyId: string; version?: number },
): Promise<EnterableVersion | null> {
  const [journey] = await db
    .select({ liveVersion: journeys.liveVersion, status: journeys.status })
    .from(journeys)
    .where(and(eq(journeys.id, request.journeyId), eq(journeys.workspaceId, request.workspaceId)));
  const version = request.version ?? journey?.liveVersion ?? undefined;
  if (
    !journey ||
    version === undefined ||
    CLOSED_TO_ENTRIES.includes(journey.status) ||
    (request.version === undefined && journey.status !== 'live')
  )
    return null;
  const [row] = await db
    .select({ plan: journeyVersions.plan })
    .from(journeyVersions)
    .where(and(eq(journeyVersions.journeyId, request.journeyId), eq(journeyVersions.version, version)));
  if (!row) return null;
  const winners = await db
    .select({ stepId: experiments.splitStepId, arm: experiments.winnerArm })
    .from(experiments)
    .where(
      and(
        eq(experiments.workspaceId, request.workspaceId),
        eq(experiments.journeyId, request.journeyId),
        eq(experiments.version, version),
        eq(experiments.status, 'winner'),
      ),
    );
  const plan = planSchema.parse(row.plan);
  if (winners.length === 0) return { version, plan };
  const forcedArms = Object.fromEntries(
    winners.flatMap((w) => (w.arm === null ? [] : [[w.stepId, w.arm] as const])),
  );
  return { version, plan, forcedArms };
}

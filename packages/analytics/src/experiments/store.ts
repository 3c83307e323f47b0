/**
 * Experiments on split steps: settings, results (rates, intervals, chance to beat control, the sequential test's
 * state) and the automatic winner. `evaluateExperiments` is the scheduled look: it decides with the mSPRT and records
 * the winner in `experiments`, from where the run starter passes it to new runs as workflow input (`forcedArms`).
 */
import { and, eq, sql } from 'drizzle-orm';
import { experimentSettingsSchema } from '@wakeflow/contracts';
import type { z } from 'zod';
import { planSchema, type Plan } from '@wakeflow/journey';
import { experiments, journeyDailyRollups, journeyVersions, type Database } from '@wakeflow/db';
import { decideExperiment, type ArmComparison, type SequentialDecision } from '../stats/sequential-test';
import type { RollupRow } from '../results/figures';
import { rollupTotalsSelection } from '../results/load';
import { armResults, type ArmResult, type SplitArm } from './arm-counts';

// The settings schema is the HTTP contract's (`PUT …/experiments/:stepId`); this module stores and applies it.
export { experimentSettingsSchema };
export type ExperimentSettingsInput = z.input<typeof experimentSettingsSchema>;

export class ExperimentError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid',
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

type ExperimentRow = typeof experiments.$inferSelect;

export interface ExperimentResult {
  journeyId: string;
  version: number;
  splitStepId: string;
  settings: {
    controlArm: string;
    autoWinner: boolean;
    alpha: number;
    tau: number;
    minPerArm: number;
    maxDays: number;
  };
  status: ExperimentRow['status'];
  winnerArm: string | null;
  decidedAt: Date | null;
  startedAt: Date;
  arms: ArmResult[];
  /** The sequential test at this moment: significant comparisons, always-valid p-values. */
  test: { comparisons: ArmComparison[]; state: SequentialDecision['status']; reason?: string };
}

async function loadPlan(
  db: Database,
  workspaceId: string,
  journeyId: string,
  version: number,
): Promise<Plan | null> {
  const [row] = await db
    .select({ plan: journeyVersions.plan })
    .from(journeyVersions)
    .where(
      and(
        eq(journeyVersions.workspaceId, workspaceId),
        eq(journeyVersions.journeyId, journeyId),
        eq(journeyVersions.version, version),
      ),
    );
  return row ? planSchema.parse(row.plan) : null;
}

function splitsOf(plan: Plan): Map<string, SplitArm[]> {
  const out = new Map<string, SplitArm[]>();
  for (const [id, step] of Object.entries(plan.steps))
    if (step.op === 'split')
      out.set(
        id,
        step.arms.map((a) => ({ ...a })),
      );
  return out;
}

export async function configureExperiment(
  db: Database,
  workspaceId: string,
  key: { journeyId: string; version: number; splitStepId: string },
  input: ExperimentSettingsInput,
): Promise<ExperimentRow> {
  const settings = experimentSettingsSchema.parse(input);
  const plan = await loadPlan(db, workspaceId, key.journeyId, key.version);
  if (!plan) throw new ExperimentError('not_found', 'Version not found');
  const arms = splitsOf(plan).get(key.splitStepId);
  if (!arms)
    throw new ExperimentError(
      'invalid',
      `Step ${key.splitStepId} is not a random split of version ${key.version}`,
      'params.stepId',
    );
  if (!arms.some((a) => a.name === settings.controlArm)) {
    throw new ExperimentError(
      'invalid',
      `The split has no arm “${settings.controlArm}” (arms: ${arms.map((a) => a.name).join(', ')})`,
      'body.controlArm',
    );
  }
  const [row] = await db
    .insert(experiments)
    .values({ workspaceId, ...key, ...settings })
    .onConflictDoUpdate({
      target: [experiments.journeyId, experiments.version, experiments.splitStepId],
      set: { ...settings, updatedAt: new Date() },
      // A decided experiment keeps its decision; changing settings does not undo it.
      setWhere: eq(experiments.workspaceId, workspaceId),
    })
    .returning();
  if (!row) throw new ExperimentError('not_found', 'Experiment belongs to another workspace');
  return row;
}

async function rollupRows(
  db: Database,
  workspaceId: string,
  journeyId: string,
  version: number,
): Promise<RollupRow[]> {
  const r = journeyDailyRollups;
  return db
    .select({
      day: sql<string>`''`,
      version: sql<number>`${version}`.mapWith(Number),
      holdout: r.holdout,
      arm: r.arm,
      ...rollupTotalsSelection(),
    })
    .from(r)
    .where(and(eq(r.workspaceId, workspaceId), eq(r.journeyId, journeyId), eq(r.version, version)))
    .groupBy(r.holdout, r.arm);
}

function evaluate(
  row: ExperimentRow,
  plan: Plan,
  rows: readonly RollupRow[],
  now: Date,
): { arms: ArmResult[]; decision: SequentialDecision } {
  const splits = splitsOf(plan);
  const arms = splits.get(row.splitStepId) ?? [];
  const results = armResults(rows, row.splitStepId, arms, splits.size === 1, row.controlArm);
  const counts = results.map((a) => ({ arm: a.arm, entered: a.entered, conversions: a.converted }));
  const control = counts.find((c) => c.arm === row.controlArm) ?? {
    arm: row.controlArm,
    entered: 0,
    conversions: 0,
  };
  const elapsedDays = (now.getTime() - row.startedAt.getTime()) / 86_400_000;
  const decision = decideExperiment(
    control,
    counts.filter((c) => c.arm !== row.controlArm),
    { alpha: row.alpha, tau: row.tau, minPerArm: row.minPerArm, maxDays: row.maxDays },
    elapsedDays,
  );
  return { arms: results, decision };
}

export async function experimentResults(
  db: Database,
  workspaceId: string,
  journeyId: string,
  version: number,
  now = new Date(),
): Promise<ExperimentResult[]> {
  const plan = await loadPlan(db, workspaceId, journeyId, version);
  if (!plan) throw new ExperimentError('not_found', 'Version not found');
  const rows = await rollupRows(db, workspaceId, journeyId, version);
  const configured = await db
    .select()
    .from(experiments)
    .where(
      and(
        eq(experiments.workspaceId, workspaceId),
        eq(experiments.journeyId, journeyId),
        eq(experiments.version, version),
      ),
    );
  const byStep = new Map(configured.map((e) => [e.splitStepId, e]));
  const out: ExperimentResult[] = [];
  // Every split is shown; one without settings uses its first arm as control and the defaults.
  for (const [stepId, arms] of splitsOf(plan)) {
    const defaults = experimentSettingsSchema.parse({
      controlArm: arms.find((a) => a.holdout)?.name ?? arms[0]!.name,
    });
    const row: ExperimentRow = byStep.get(stepId) ?? {
      workspaceId,
      journeyId,
      version,
      splitStepId: stepId,
      ...defaults,
      status: 'running',
      winnerArm: null,
      decidedAt: null,
      decision: null,
      startedAt: now,
      updatedAt: now,
    };
    const { arms: armFigures, decision } = evaluate(row, plan, rows, now);
    out.push({
      journeyId,
      version,
      splitStepId: stepId,
      settings: {
        controlArm: row.controlArm,
        autoWinner: row.autoWinner,
        alpha: row.alpha,
        tau: row.tau,
        minPerArm: row.minPerArm,
        maxDays: row.maxDays,
      },
      status: row.status,
      winnerArm: row.winnerArm,
      decidedAt: row.decidedAt,
      startedAt: row.startedAt,
      arms: armFigures,
      test: {
        comparisons: decision.comparisons,
        state: decision.status,
        ...('reason' in decision ? { reason: decision.reason } : {}),
      },
    });
  }
  return out;
}

/**
 * The scheduled look at every running experiment with an automatic winner in the workspace. Records a winner (or an
 * inconclusive end at the maximum duration); returns the experiments whose status changed.
 */
export async function evaluateExperiments(
  db: Database,
  workspaceId: string,
  now = new Date(),
): Promise<ExperimentRow[]> {
  const running = await db
    .select()
    .from(experiments)
    .where(
      and(
        eq(experiments.workspaceId, workspaceId),
        eq(experiments.status, 'running'),
        eq(experiments.autoWinner, true),
      ),
    );
  const changed: ExperimentRow[] = [];
  for (const row of running) {
    const plan = await loadPlan(db, workspaceId, row.journeyId, row.version);
    if (!plan) continue;
    const rows = await rollupRows(db, workspaceId, row.journeyId, row.version);
    const { arms, decision } = evaluate(row, plan, rows, now);
    if (decision.status === 'running') continue;
    const [updated] = await db
      .update(experiments)
      .set({
        status: decision.status,
        winnerArm: decision.status === 'winner' ? decision.winner : null,
        decidedAt: now,
        decision: {
          method: 'mSPRT',
          alpha: row.alpha,
          tau: row.tau,
          comparisons: decision.comparisons,
          arms,
        },
        updatedAt: now,
      })
      .where(
        and(
          eq(experiments.workspaceId, workspaceId),
          eq(experiments.journeyId, row.journeyId),
          eq(experiments.version, row.version),
          eq(experiments.splitStepId, row.splitStepId),
          eq(experiments.status, 'running'),
        ),
      )
      .returning();
    if (updated) changed.push(updated);
  }
  return changed;
}

/** Winners of a journey version by split step: what the run starter passes as `forcedArms`. */
export async function forcedArmsOf(
  db: Database,
  workspaceId: string,
  journeyId: string,
  version: number,
): Promise<Record<string, string>> {
  const rows = await db
    .select({ stepId: experiments.splitStepId, arm: experiments.winnerArm })
    .from(experiments)
    .where(
      and(
        eq(experiments.workspaceId, workspaceId),
        eq(experiments.journeyId, journeyId),
        eq(experiments.version, version),
        eq(experiments.status, 'winner'),
      ),
    );
  return Object.fromEntries(rows.filter((r) => r.arm !== null).map((r) => [r.stepId, r.arm!]));
}

/**
 * The regression gate: every recorded history under workflows/histories must replay against the current
 * interpreter. A change that would break in-flight runs fails here, in CI, before it reaches a worker.
 * Record new histories with `WAKEFLOW_RECORD_HISTORIES=1 pnpm test` (see README, "Changing the interpreter").
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleForReplay, replayJourneyHistory } from '@wakeflow/temporal';

const dir = fileURLToPath(new URL('../histories/', import.meta.url));
const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();

describe('replay gate', () => {
  it('has recorded histories of every journey shape', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'canonical-still-dormant.json',
        'canonical-reactivated.json',
        'canonical-reactivated-early.json',
        'canonical-goal.json',
        'long-delay-update.json',
        'local-time-delay.json',
        'wait-timeout.json',
        'wait-met.json',
        'correlated-wait.json',

        'split-holdout.json',
        'split-forced-arm.json',
        'goal-during-delay.json',
        'branch-yes.json',
        'branch-no.json',
        'run-failed-unknown-kind.json',
        'run-cancelled.json',
        'wait-old-event.json',
        'wait-old-then-new-event.json',
        'goal-old-event.json',
        // Recorded by the differential test's fixed cases once journeyRun drove the journey machine.
        'machine-deferral-old-event-duplicate.json',
        'machine-goal-during-local-sleep.json',
        'machine-entry-event-plan-corrupt.json',
        // Operator control (patched 'journey-control'): a pause's hold ended by a resume, a stop ending a wait.
        'journey-control-pause-resume.json',
        'journey-control-stop-waiting.json',
        // The cohort executor (cohortRun): a bulk entry through the win-back journey, a stop reaching its members.
        'cohort-win-back.json',
        'cohort-stop-waiting.json',
        // A cohort that continued as new (the differential test's): the run that carried its members on, the last run.
        'cohort-continued-earlier-run.json',
        'cohort-continued-last-run.json',
        // Folded bookkeeping (patched 'folded-bookkeeping'): records ride on the node activities and the finish.
        'folded-bookkeeping-canonical-still-dormant.json',
        'folded-bookkeeping-canonical-reactivated.json',
        'folded-bookkeeping-canonical-reactivated-early.json',
        'folded-bookkeeping-canonical-goal.json',
        'folded-bookkeeping-split-forced-arm.json',
        // Cohorts with folded bookkeeping (patched 'cohort-folded-bookkeeping'): records ride on the node batches.
        'cohort-folded-win-back.json',
        'cohort-folded-stop-waiting.json',
        'cohort-folded-continued-earlier-run.json',
        'cohort-folded-continued-last-run.json',
      ]),
    );
  });

  it.each(files)('%s replays against the current interpreter', async (file) => {
    const report = await replayJourneyHistory(await readFile(`${dir}${file}`, 'utf8'));
    expect(report.summary).toMatch(/same decisions/);
    expect(report.ok).toBe(true);
  });

  it('catches a deliberately non-deterministic change to the interpreter and says where', async () => {
    const changed = await bundleForReplay(
      fileURLToPath(new URL('./fixtures/changed-interpreter/index.ts', import.meta.url)),
    );
    const report = await replayJourneyHistory(await readFile(`${dir}canonical-still-dormant.json`, 'utf8'), {
      workflowBundle: changed,
    });
    expect(report.ok).toBe(false);
    expect(report.summary).toMatch(/diverged/);
    expect(report.divergedAt?.eventId).toBeGreaterThan(0);
  });
});

/**
 * Audience sweeps: re-entry policies (called directly), and a sweep on Temporal whose activity dies halfway
 * through a page and is resumed by Temporal from the heartbeated / recorded cursor, starting everybody once.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createTestDatabase, TEST_WORKSPACE_ID as WS, type TestDatabase } from '@wakeflow/db/testing';
import { customers, journeyAudienceMembers, journeys } from '@wakeflow/db';
import {
  createSegment,
  runAudienceSweep,
  upsertCustomers,
  type RunStarter,
  type SweepHeartbeat,
  type SweepProgress,
} from '../src/index';
import { createLiveAudienceJourney } from './helpers';

/** Records every start; a run id is the business key, so a repeated start is refused like Temporal would. */
function fakeStarter() {
  const runs = new Map<string, { customerId: string; entry: number }>();
  const calls: string[] = [];
  let hook: ((n: number) => Promise<void>) | undefined;
  const starter: RunStarter = {
    async startRun({ journeyId, customerId, entry }) {
      const workflowId = `journey/${journeyId}/${customerId}/${entry}`;
      calls.push(workflowId);
      await hook?.(calls.length);
      if (runs.has(workflowId)) return { started: false, workflowId };
      runs.set(workflowId, { customerId, entry });
      return { started: true, workflowId };
    },
  };
  return { starter, runs, calls, setHook: (h: typeof hook) => (hook = h) };
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

async function tagged(tag: string, n: number, prefix = tag): Promise<string[]> {
  const rows = await upsertCustomers(
    t.db,
    WS,
    Array.from({ length: n }, (_, i) => ({ externalId: `${prefix}-${i}`, tags: [tag] })),
  );
  return rows.map((r) => r.id);
}

const setTag = (customerId: string, tags: string[]) =>
  t.db.update(customers).set({ tags }).where(eq(customers.id, customerId));

describe('re-entry policies', () => {
  it('once: a customer enters on the first sweep and never again', async () => {
    await tagged('once', 5);
    await createSegment(t.db, WS, {
      id: 'seg-once',
      name: 'once',
      definition: { kind: 'tag', tag: 'once', has: true },
    });
    const journeyId = await createLiveAudienceJourney(t.db, WS, {
      segmentId: 'seg-once',
      reentry: { mode: 'once' },
    });
    const fake = fakeStarter();
    const first = await runAudienceSweep(
      { db: t.db, runs: fake.starter },
      { workspaceId: WS, journeyId, sweepKey: 'once-1', pageSize: 2 },
    );
    expect(first).toMatchObject({ status: 'completed', scanned: 5, matched: 5, started: 5 });
    const second = await runAudienceSweep(
      { db: t.db, runs: fake.starter },
      { workspaceId: WS, journeyId, sweepKey: 'once-2', pageSize: 2 },
    );
    expect(second).toMatchObject({ status: 'completed', scanned: 5, matched: 0, started: 0 });
    expect(fake.runs.size).toBe(5);
    // Running a finished sweep's key again is a no-op that reports the recorded progress.
    const replayed = await runAudienceSweep(
      { db: t.db, runs: fake.starter },
      { workspaceId: WS, journeyId, sweepKey: 'once-1' },
    );
    expect(replayed).toMatchObject({ sweepId: first.sweepId, started: 5 });
    expect(fake.calls).toHaveLength(5);
  });

  it('always: again only after leaving the audience and coming back', async () => {
    const [a, b] = await tagged('always', 2);
    await createSegment(t.db, WS, {
      id: 'seg-always',
      name: 'always',
      definition: { kind: 'tag', tag: 'always', has: true },
    });
    const journeyId = await createLiveAudienceJourney(t.db, WS, {
      segmentId: 'seg-always',
      reentry: { mode: 'always' },
    });
    const fake = fakeStarter();
    const sweep = (key: string) =>
      runAudienceSweep({ db: t.db, runs: fake.starter }, { workspaceId: WS, journeyId, sweepKey: key });

    expect(await sweep('always-1')).toMatchObject({ scanned: 2, started: 2 });
    expect(await sweep('always-2')).toMatchObject({ scanned: 2, started: 0 }); // still in: no re-entry
    await setTag(b!, []);
    expect(await sweep('always-3')).toMatchObject({ scanned: 1, started: 0 }); // b left
    await setTag(b!, ['always']);
    expect(await sweep('always-4')).toMatchObject({ scanned: 2, started: 1 }); // b came back
    expect([...fake.runs.values()].filter((r) => r.customerId === b).map((r) => r.entry)).toEqual([1, 2]);
    expect([...fake.runs.values()].filter((r) => r.customerId === a).map((r) => r.entry)).toEqual([1]);
  });

  it('after a duration: again once the time since the last entry has passed', async () => {
    const [a] = await tagged('after', 1);
    await createSegment(t.db, WS, {
      id: 'seg-after',
      name: 'after',
      definition: { kind: 'tag', tag: 'after', has: true },
    });
    const journeyId = await createLiveAudienceJourney(t.db, WS, {
      segmentId: 'seg-after',
      reentry: { mode: 'after', duration: { amount: 1, unit: 'days' } },
    });
    const fake = fakeStarter();
    const sweep = (key: string) =>
      runAudienceSweep({ db: t.db, runs: fake.starter }, { workspaceId: WS, journeyId, sweepKey: key });
    expect(await sweep('after-1')).toMatchObject({ started: 1 });
    expect(await sweep('after-2')).toMatchObject({ started: 0 });
    await t.db
      .update(journeyAudienceMembers)
      .set({ lastEnteredAt: new Date(Date.now() - 25 * 3_600_000) })
      .where(and(eq(journeyAudienceMembers.journeyId, journeyId), eq(journeyAudienceMembers.customerId, a!)));
    expect(await sweep('after-3')).toMatchObject({ started: 1 });
    expect([...fake.runs.values()].map((r) => r.entry)).toEqual([1, 2]);
  });

  it('skips, and says why, when the journey is not live', async () => {
    const journeyId = await createLiveAudienceJourney(t.db, WS, { segmentId: 'seg-once' });
    await t.db.update(journeys).set({ status: 'paused' }).where(eq(journeys.id, journeyId));
    const fake = fakeStarter();
    const result = await runAudienceSweep(
      { db: t.db, runs: fake.starter },
      { workspaceId: WS, journeyId, sweepKey: 'paused-1' },
    );
    expect(result).toMatchObject({ status: 'skipped', reason: 'journey is paused', started: 0 });
  });
});

function testServerPath(): string | undefined {
  const fromEnv = process.env.WAKEFLOW_TEMPORAL_TEST_SERVER;
  if (fromEnv) return fromEnv;
  const local = fileURLToPath(new URL('../../../.data/tools/venv/bin/temporal-test-server', import.meta.url));
  return existsSync(local) ? local : undefined;
}

describe('audience sweep on Temporal', () => {
  const serverPath = testServerPath();

  it.skipIf(!serverPath)(
    'resumes after the activity dies mid-page, starting every customer exactly once',
    async () => {
      const total = 1_200;
      const pageSize = 100;
      await tagged('crash', total);
      await createSegment(t.db, WS, {
        id: 'seg-crash',
        name: 'crash',
        definition: { kind: 'tag', tag: 'crash', has: true },
      });
      const journeyId = await createLiveAudienceJourney(t.db, WS, {
        segmentId: 'seg-crash',
        reentry: { mode: 'once' },
      });

      const fake = fakeStarter();
      // Halfway through page 6, the first attempt stops answering (a frozen or killed worker): no more heartbeats.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      fake.setHook(async (n) => {
        if (n === 551) {
          await released;
          throw new Error('worker was killed');
        }
      });

      const attempts: { attempt: number; resumedFrom: SweepHeartbeat | undefined }[] = [];
      const activities = {
        async runAudienceSweep(input: Parameters<typeof runAudienceSweep>[1]): Promise<SweepProgress> {
          const info = Context.current().info;
          attempts.push({
            attempt: info.attempt,
            resumedFrom: info.heartbeatDetails as SweepHeartbeat | undefined,
          });
          return runAudienceSweep({ db: t.db, runs: fake.starter }, input);
        },
      };

      const env = await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: serverPath! } },
      });
      try {
        const worker = await Worker.create({
          connection: env.nativeConnection,
          taskQueue: 'audience-test',
          workflowsPath: fileURLToPath(new URL('../../../workflows/src/audience-sweep.ts', import.meta.url)),
          activities,
        });
        const result = await worker.runUntil(
          env.client.workflow
            .execute('audienceSweep', {
              taskQueue: 'audience-test',
              workflowId: `sweep-crash-${Date.now()}`,
              args: [{ workspaceId: WS, journeyId, pageSize, heartbeatTimeoutMs: 2_000 }],
            })
            // Let the abandoned first attempt end, so the worker can drain and stop.
            .finally(release),
        );

        expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
        // The retry saw the cursor of the last finished page (5 pages = 500 customers).
        expect(attempts[1]?.resumedFrom).toMatchObject({ scanned: 500, started: 500 });
        expect(result).toMatchObject({ status: 'completed', scanned: total, matched: total, started: total });
        // Every customer has exactly one run. The dead attempt had asked for all of pages 6–8 (three pages start at
        // once, runs 16 at a time; only one start hung, and pages 7 and 8 wait to be recorded after page 6); the retry
        // asked for them again from the cursor, and the 299 already started were refused.
        expect(fake.runs.size).toBe(total);
        expect(new Set([...fake.runs.values()].map((r) => r.customerId)).size).toBe(total);
        expect(fake.calls.length).toBe(total + 3 * pageSize);
        const members = await t.db.execute<{ n: number; entries: number }>(
          sql`select count(*)::int as n, sum(entries)::int as entries from journey_audience_members where journey_id = ${journeyId}`,
        );
        expect(members.rows[0]).toEqual({ n: total, entries: total });
      } finally {
        release();
        await env.teardown();
      }
    },
  );
});

/**
 * Sweep start-rate benchmark (issue 4 item 8): the real `audienceSweep` workflow and activities on Temporal's dev
 * server (`temporal server start-dev`, in memory) with a production-wired worker, sweeping a segment of
 * BENCH_SWEEP_CUSTOMERS customers into a trigger → exit journey. Reports runs started per second by the sweep and
 * how long until every started run finished. Run through `scripts/bench-audience.ts` (BENCH_ONLY=sweep for this
 * part alone).
 *
 * Env: BENCH_SWEEP_CUSTOMERS (10,000), BENCH_SWEEP_CONCURRENCY (starts in flight per page, 16 as in production),
 *      BENCH_SWEEP_PAGE (customers per page, 500), WORKER_MAX_ACTIVITIES (100), WORKER_MAX_WORKFLOW_TASKS (40).
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { and, count, eq, sql } from 'drizzle-orm';
import { journeyTaskQueue } from '@wakeflow/journey';
import { journeys, publishJourneyDraft, runs } from '@wakeflow/db';
import { createTestDatabase, TEST_WORKSPACE_ID as WS } from '@wakeflow/db/testing';
import { createCatalog, createNodeServices } from '@wakeflow/catalog';
import { startTemporalDevServer } from '@wakeflow/devstack';
import { bundleJourneyWorkflows, createJourneyWorker, createRunStarter } from '@wakeflow/temporal';
import {
  createAudienceActivities,
  createSegment,
  upsertCustomers,
  type SweepProgress,
} from '@wakeflow/audience';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export async function runSweepBench(): Promise<void> {
  const N = env('BENCH_SWEEP_CUSTOMERS', 10_000);
  const startConcurrency = env('BENCH_SWEEP_CONCURRENCY', 16);
  const pageSize = env('BENCH_SWEEP_PAGE', 500);
  console.log(
    `bench-audience sweep: ${fmt(N)} customers into a trigger → exit journey, ${startConcurrency} starts in flight, pages of ${pageSize}, dev server`,
  );

  const t = await createTestDatabase();
  const server = await startTemporalDevServer({ port: 0, headless: true, dbFile: null });
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  try {
    const { db } = t;
    for (let i = 0; i < N; i += 5_000) {
      await upsertCustomers(
        db,
        WS,
        Array.from({ length: Math.min(5_000, N - i) }, (_, j) => ({
          externalId: `sw-${i + j}`,
          tags: ['sweep-bench'],
        })),
      );
    }
    await createSegment(db, WS, {
      id: 'sweep-bench',
      name: 'Sweep bench',
      definition: { kind: 'tag', tag: 'sweep-bench', has: true },
    });
    const catalog = createCatalog();
    const graph = {
      nodes: [
        { id: 'trigger', type: 'audience_trigger', config: { segmentId: 'sweep-bench' } },
        { id: 'done', type: 'exit', config: { outcome: 'done' } },
      ],
      edges: [{ source: 'trigger', outcome: 'next', target: 'done' }],
    };
    const [journey] = await db
      .insert(journeys)
      .values({ workspaceId: WS, name: 'sweep bench', draftGraph: graph, draftSettings: {} })
      .returning({ id: journeys.id });
    const journeyId = journey!.id;
    await publishJourneyDraft(db, catalog, { workspaceId: WS, journeyId });

    const client = new Client({ connection });
    const starter = createRunStarter({ db, client });
    const worker = await createJourneyWorker({
      connection: native,
      workspaceId: WS,
      db,
      catalog,
      services: createNodeServices({
        db,
        publicUrl: 'http://127.0.0.1:3999',
        logger: { info: () => undefined, warn: () => undefined },
      }),
      workflowBundle: await bundleJourneyWorkflows(),
      extraActivities: createAudienceActivities({ db, runs: starter, startConcurrency }),
      maxConcurrentActivityTaskExecutions: env('WORKER_MAX_ACTIVITIES', 100),
      maxConcurrentWorkflowTaskExecutions: env('WORKER_MAX_WORKFLOW_TASKS', 40),
    });

    const finished = async () => {
      const [row] = await db
        .select({ n: count() })
        .from(runs)
        .where(and(eq(runs.journeyId, journeyId), sql`${runs.status} <> 'running'`));
      return row?.n ?? 0;
    };
    await worker.runUntil(async () => {
      const began = performance.now();
      const progress: SweepProgress = await client.workflow.execute('audienceSweep', {
        taskQueue: journeyTaskQueue(WS),
        workflowId: `audience-sweep-bench-${Date.now()}`,
        args: [{ workspaceId: WS, journeyId, pageSize }],
      });
      const sweepSeconds = (performance.now() - began) / 1000;
      console.log(
        `sweep: scanned ${fmt(progress.scanned)}, started ${fmt(progress.started)} runs in ${sweepSeconds.toFixed(1)} s = ${fmt(progress.started / sweepSeconds)} runs started/s`,
      );
      let done = await finished();
      const deadline = Date.now() + 30 * 60_000;
      while (done < progress.started && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        done = await finished();
      }
      const allSeconds = (performance.now() - began) / 1000;
      console.log(
        `runs finished: ${fmt(done)} of ${fmt(progress.started)} ${allSeconds.toFixed(1)} s after the sweep began = ${fmt(done / allSeconds)} runs/s end to end`,
      );
    });
  } finally {
    await native.close();
    await connection.close();
    await server.stop();
    await t.drop();
  }
}

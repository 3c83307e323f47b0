/**
 * Preview benchmark (issue 15): one customer's path through the demo's canonical win-back journey, as
 * `POST /api/journeys/:id/preview` does it apart from HTTP — load and compile the draft, read the customer, the
 * templates and the sending rules, run the journey machine on a virtual clock with the dry-run services, render the
 * messages. Target: under 200 ms per preview. Prints the median and the 95th percentile of BENCH_PREVIEWS (200)
 * previews over the demo's customers, each with a scripted login on day 3; the first (warm-up) ones are not counted.
 */
import { sql } from 'drizzle-orm';
import { loadSecretKeys } from '@wakeflow/channels';
import { createCatalog } from '@wakeflow/catalog';
import { journeyPreviewRoutes } from '@wakeflow/contracts';
import { createTestDatabase } from '@wakeflow/db/testing';
import { seedDemo } from '../src/demo/seed';
import { answerJourneyPreview } from '../src/routes/journey-preview';

const workspaceId = 'default';
const previews = Number(process.env.BENCH_PREVIEWS ?? 200);
const warmUp = 20;

const database = await createTestDatabase({ workspaceIds: [workspaceId] });
try {
  const catalog = createCatalog();
  const { journeyId } = await seedDemo({ db: database.db, catalog, workspaceId });
  const { rows } = await database.db.execute<{ external_id: string }>(
    sql`select external_id from customers where workspace_id = ${workspaceId} order by external_id`,
  );
  const deps = {
    db: database.db,
    catalog,
    links: { keys: loadSecretKeys(), publicBaseUrl: 'http://127.0.0.1:3000' },
  };
  const times: number[] = [];
  let steps = 0;
  let messages = 0;
  for (let i = 0; i < warmUp + previews; i++) {
    const body = journeyPreviewRoutes.preview.body.parse({
      externalId: rows[i % rows.length]!.external_id,
      timeline: [{ day: 3, event: 'login' }],
    });
    const started = performance.now();
    const preview = await answerJourneyPreview(deps, workspaceId, journeyId, body);
    if (i >= warmUp) {
      times.push(performance.now() - started);
      steps += preview.steps.length;
      messages += preview.messages.length;
    }
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  console.log(
    `preview of one customer's path (${previews} previews, ${rows.length} customers, ${(steps / previews).toFixed(1)} steps and ${(messages / previews).toFixed(1)} messages each): median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${at(1).toFixed(1)} ms (target < 200 ms)`,
  );
} finally {
  await database.drop();
}
